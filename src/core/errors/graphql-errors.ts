import { GraphQLError } from 'graphql';

/**
 * Every `extensions.code` a response of this service can carry: the contract's codes of
 * top-level errors, the HTTP edge's, and the ones Apollo Server itself emits (a unit test
 * keeps the last group equal to Apollo's list). userErrors codes are CustomerErrorCode.
 */
export const ErrorCode = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  QUERY_TOO_COMPLEX: 'QUERY_TOO_COMPLEX',
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
  /** The HTTP edge: a body above the limit, a body that is not JSON. */
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  BAD_REQUEST: 'BAD_REQUEST',
  /** The client left before its response was complete (logged, never seen by a client). */
  CLIENT_CLOSED_REQUEST: 'CLIENT_CLOSED_REQUEST',
  /** Apollo Server's own. */
  GRAPHQL_PARSE_FAILED: 'GRAPHQL_PARSE_FAILED',
  GRAPHQL_VALIDATION_FAILED: 'GRAPHQL_VALIDATION_FAILED',
  PERSISTED_QUERY_NOT_FOUND: 'PERSISTED_QUERY_NOT_FOUND',
  PERSISTED_QUERY_NOT_SUPPORTED: 'PERSISTED_QUERY_NOT_SUPPORTED',
  OPERATION_RESOLUTION_FAILURE: 'OPERATION_RESOLUTION_FAILURE',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export function badUserInput(message: string, argumentName?: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: ErrorCode.BAD_USER_INPUT, ...(argumentName ? { argumentName } : {}) },
  });
}

/**
 * The client closed the request before its response was complete, so the reads
 * still pending were not run. No client sees it (the client has gone); its code
 * keeps it out of the internal-error log.
 */
export function requestAborted(): GraphQLError {
  return new GraphQLError('The client closed the request; its remaining reads were not run.', {
    extensions: { code: ErrorCode.CLIENT_CLOSED_REQUEST },
  });
}

/** A field or operation that needs a token was asked without one (HTTP 200, the error in the body). */
export function unauthenticated(message = 'Authentication required: send Authorization: Bearer <token>.'): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.UNAUTHENTICATED } });
}

/** The whole request is refused before execution: a malformed, forged or expired token (HTTP 401). */
export function unauthenticatedRequest(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.UNAUTHENTICATED, http: { status: 401 } } });
}

/** The caller lacks a scope the operation needs. */
export function forbidden(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.FORBIDDEN } });
}

/** The body of an error answered by the HTTP edge, outside GraphQL execution, in the same shape. */
export function edgeErrorBody(code: ErrorCode, message: string): { errors: Array<{ message: string; extensions: { code: ErrorCode } }> } {
  return { errors: [{ message, extensions: { code } }] };
}

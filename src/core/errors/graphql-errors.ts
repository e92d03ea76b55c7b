import { GraphQLError } from 'graphql';

/** `extensions.code` values of top-level errors, as fixed by the contract. */
export const ErrorCode = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  QUERY_TOO_COMPLEX: 'QUERY_TOO_COMPLEX',
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
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
    extensions: { code: 'CLIENT_CLOSED_REQUEST' },
  });
}

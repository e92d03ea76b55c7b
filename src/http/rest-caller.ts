import { Request, Response } from 'express';
import { GraphQLError } from 'graphql';
import { Caller } from '../core/caller';
import { edgeErrorBody, ErrorCode } from '../core/errors/graphql-errors';
import { isDatabaseUnavailable } from '../core/errors/database-unavailable';
import { Logger } from '../core/logging/logger';
import { Scope } from '../core/scopes';
import { Authenticate } from './authenticator';

/**
 * The caller of a REST route, authenticated exactly as /graphql authenticates
 * (the same authenticator, the same brand claim) and holding `scope`; or null
 * once the refusal is answered: 401 UNAUTHENTICATED without a usable token,
 * 403 FORBIDDEN without the scope, in the API's error body.
 */
export async function restCaller(authenticate: Authenticate, req: Request, res: Response, scope: Scope): Promise<Caller | null> {
  let caller: Caller;
  try {
    caller = await authenticate(req.get('authorization'));
  } catch (error) {
    const message = error instanceof GraphQLError ? error.message : 'The token could not be verified.';
    refuse(res, 401, ErrorCode.UNAUTHENTICATED, message);
    return null;
  }
  if (!caller.authenticated) {
    refuse(res, 401, ErrorCode.UNAUTHENTICATED, 'Authentication required: send Authorization: Bearer <token>.');
    return null;
  }
  if (!caller.scopes.has(scope)) {
    refuse(res, 403, ErrorCode.FORBIDDEN, `This operation needs the scope ${scope}, which the token does not grant.`);
    return null;
  }
  return caller;
}

/**
 * Answers a refusal in the API's error body. A request body not read yet is
 * not read at all: the connection closes after the answer.
 */
export function refuse(res: Response, status: number, code: ErrorCode, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (!res.req.complete) res.set('connection', 'close');
  res.status(status).json(edgeErrorBody(code, message));
}

/** An unexpected failure of a REST route: 503 when the database does not answer, else a masked 500 (logged with its cause). */
export function failed(res: Response, logger: Logger, error: unknown, what: string): void {
  if (isDatabaseUnavailable(error)) {
    refuse(res, 503, ErrorCode.SERVICE_UNAVAILABLE, 'The database is not answering; try again shortly.');
    return;
  }
  logger.error({ err: error }, `${what} failed`);
  refuse(res, 500, ErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error.');
}

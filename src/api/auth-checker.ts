import { GraphQLError } from 'graphql';
import { AuthChecker } from 'type-graphql';
import { RequestContext } from './context';
import { ErrorCode } from '../core/errors/graphql-errors';
import { Caller } from './context';

export function unauthenticated(message = 'Authentication required: send Authorization: Bearer <token>.'): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.UNAUTHENTICATED } });
}

/** Throws FORBIDDEN unless the caller holds every scope in `scopes`. */
export function assertScopes(caller: Caller, scopes: readonly string[]): void {
  if (!caller.authenticated) throw unauthenticated();
  const missing = scopes.filter((scope) => !caller.scopes.has(scope));
  if (missing.length > 0) {
    throw new GraphQLError(`This operation needs the scope ${missing.join(', ')}, which the token does not grant.`, {
      extensions: { code: ErrorCode.FORBIDDEN },
    });
  }
}

/** type-graphql's `@Authorized(scope)` check; throws rather than returning false so the code is FORBIDDEN, not UNAUTHORIZED. */
export const scopeAuthChecker: AuthChecker<RequestContext> = ({ context }, scopes) => {
  assertScopes(context.caller, scopes);
  return true;
};

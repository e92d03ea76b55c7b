import { AuthChecker } from 'type-graphql';
import { RequestContext } from './context';
import { forbidden, unauthenticated } from '../core/errors/graphql-errors';
import { Caller } from '../core/caller';

/** Throws FORBIDDEN unless the caller holds every scope in `scopes`. */
export function assertScopes(caller: Caller, scopes: readonly string[]): void {
  if (!caller.authenticated) throw unauthenticated();
  const missing = scopes.filter((scope) => !caller.scopes.has(scope));
  if (missing.length > 0) {
    throw forbidden(`This operation needs the scope ${missing.join(', ')}, which the token does not grant.`);
  }
}

/** type-graphql's `@Authorized(scope)` check; throws rather than returning false so the code is FORBIDDEN, not UNAUTHORIZED. */
export const scopeAuthChecker: AuthChecker<RequestContext> = ({ context }, scopes) => {
  assertScopes(context.caller, scopes);
  return true;
};

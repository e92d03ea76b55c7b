import { MiddlewareFn } from 'type-graphql';
import { RequestContext } from '../context/request-context';
import { assertScopes } from './auth-checker';
import { Scope } from './scopes';

/** Types whose fields expose customer data: reading them needs `customer:read`, however they were reached (a mutation payload included). */
const CUSTOMER_DATA_TYPES = new Set(['Customer', 'CustomerChannel', 'CustomerFlag', 'CustomerActivity']);

/**
 * Runs before every field: a field of a customer-data type is refused with
 * FORBIDDEN unless the caller holds `customer:read`. Cheap on purpose (a set
 * lookup and a scope lookup), since it runs for every field of every row.
 */
export const customerReadGuard: MiddlewareFn<RequestContext> = ({ context, info }, next) => {
  if (CUSTOMER_DATA_TYPES.has(info.parentType.name)) assertScopes(context.caller, [Scope.READ]);
  return next();
};

import { assertScopes } from '../auth/auth-checker';
import { Scope } from '../auth/scopes';
import { RequestContext } from '../context/request-context';
import { CustomerEntity } from '../entities/customer.entity';

/**
 * Entity resolution for the router: every representation in one `_entities`
 * request goes through the request's loader, so N references are one query.
 * Soft-deleted customers resolve (other subgraphs' records keep their customer);
 * purged, unknown and other brands' customers resolve to null.
 */
export function resolveCustomerReference(reference: { id: string }, context: RequestContext): Promise<CustomerEntity | null> {
  assertScopes(context.caller, [Scope.READ]);
  return context.loaders.customerById.load(reference.id);
}

import { assertScopes } from '../auth-checker';
import { Scope } from '../../core/scopes';
import { RequestContext } from '../context';
import { CustomerEntity } from '../../data/entities/customer.entity';
import { badUserInput } from '../../core/errors/graphql-errors';

/**
 * Entity resolution for the router: every representation in one `_entities`
 * request goes through the request's loader, so N references are one query.
 * Soft-deleted customers resolve (other subgraphs' records keep their customer);
 * purged, unknown and other brands' customers resolve to null. `_Any` accepts
 * any JSON, so a representation whose id is not a string is refused here,
 * before it reaches SQL.
 */
export function resolveCustomerReference(reference: { id: unknown }, context: RequestContext): Promise<CustomerEntity | null> {
  assertScopes(context.caller, [Scope.READ]);
  if (typeof reference.id !== 'string') throw badUserInput('A Customer representation needs an `id` that is a string.', 'representations');
  return context.loaders.customerById.load(reference.id);
}

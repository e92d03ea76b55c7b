import { CursorCodec } from '../pagination/cursor-codec';
import { PageRequest } from '../pagination/page-request';
import { ParentBounds } from '../repositories/partitioned-page';

/**
 * Decodes a nested page's cursors for every customer of a batch. Nested cursors
 * are bound to the customer (and filter) they were issued for, so one cursor
 * fits one customer; for the others of the batch it is a BAD_USER_INPUT error,
 * reported on their field only.
 */
export function nestedBounds(
  cursors: CursorCodec,
  customerIds: readonly string[],
  request: PageRequest,
  bindingOf: (customerId: string) => string,
): { boundsOf: (customerId: string) => ParentBounds; errors: Map<string, Error> } {
  const bounds = new Map<string, ParentBounds>();
  const errors = new Map<string, Error>();
  // Without cursors there is nothing to decode, and no binding to digest per customer.
  if (request.after === null && request.before === null) return { boundsOf: () => ({ after: null, before: null }), errors };
  for (const customerId of customerIds) {
    try {
      const binding = bindingOf(customerId);
      bounds.set(customerId, {
        after: request.after === null ? null : cursors.decode(request.after, binding, 'after'),
        before: request.before === null ? null : cursors.decode(request.before, binding, 'before'),
      });
    } catch (error) {
      errors.set(customerId, error as Error);
    }
  }
  return { boundsOf: (customerId) => bounds.get(customerId) ?? { after: null, before: null }, errors };
}

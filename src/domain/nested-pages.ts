import { buildConnection, ConnectionValue, PageSlice } from '../core/paging/connection';
import { CursorCodec, CursorKey } from '../core/paging/cursor-codec';
import { PageRequest } from '../core/paging/page-request';
import { ParentBounds } from '../data/partitioned-page';

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

export interface NestedConnectionsRead<Row, Node> {
  cursors: CursorCodec;
  customerIds: readonly string[];
  request: PageRequest;
  /** What a cursor of this connection is bound to, per customer (the connection, the customer, its filter). */
  bindingOf: (customerId: string) => string;
  /** One page per customer, in one statement. */
  read: (customerIds: readonly string[], boundsOf: (customerId: string) => ParentBounds) => Promise<Map<string, PageSlice<Row>>>;
  toNode: (row: Row) => Node;
  cursorKeyOf: (node: Node, customerId: string) => CursorKey;
  countOf: (customerId: string) => Promise<number>;
}

/**
 * A nested connection (a customer's flags or activities) for every customer of
 * a batch: cursors decoded per customer, one read for all, and a connection per
 * customer whose cursors are signed only when a query selects them.
 */
export async function readNestedConnections<Row, Node>(
  spec: NestedConnectionsRead<Row, Node>,
): Promise<Map<string, ConnectionValue<Node> | Error>> {
  const { cursors, customerIds, request, bindingOf } = spec;
  const { boundsOf, errors } = nestedBounds(cursors, customerIds, request, bindingOf);
  const valid = customerIds.filter((id) => !errors.has(id));
  const slices = valid.length > 0 ? await spec.read(valid, boundsOf) : new Map<string, PageSlice<Row>>();
  const result = new Map<string, ConnectionValue<Node> | Error>(errors);
  for (const [customerId, slice] of slices) {
    let binding: string | undefined;
    result.set(
      customerId,
      buildConnection(
        { rows: slice.rows.map(spec.toNode), hasMore: slice.hasMore },
        request,
        (node) => cursors.encode((binding ??= bindingOf(customerId)), spec.cursorKeyOf(node, customerId)),
        () => spec.countOf(customerId),
      ),
    );
  }
  return result;
}

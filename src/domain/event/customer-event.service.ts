import { CustomerEventType } from '../../core/customer-event-type';
import { NumberedCustomerEvent } from '../../data/repositories/event.repository';
import { badUserInput } from '../../core/errors/graphql-errors';
import { buildConnection, ConnectionValue } from '../../core/paging/connection';
import { CursorCodec } from '../../core/paging/cursor-codec';
import { resolvePageRequest, ROOT_PAGE_LIMITS } from '../../core/paging/page-request';
import { Database } from '../../data/database';
import { EventSequencer } from './event-sequencer';

export interface CustomerEventFilterInput {
  customerId?: string | null;
  types?: CustomerEventType[] | null;
  occurredAfter?: Date | null;
}

export interface CustomerEventPageArgs {
  first?: number | null;
  after?: string | null;
  filter?: CustomerEventFilterInput | null;
}

export interface CustomerEventServiceDeps {
  database: Database;
  cursors: CursorCodec;
  sequencer: EventSequencer;
}

/** The change feed: a brand's events, oldest first, paged forward by position. */
export class CustomerEventService {
  constructor(private readonly deps: CustomerEventServiceDeps) {}

  async feed(brand: string, args: CustomerEventPageArgs): Promise<ConnectionValue<NumberedCustomerEvent>> {
    const request = resolvePageRequest({ first: args.first, after: args.after }, ROOT_PAGE_LIMITS);
    const query = {
      ...(args.filter?.customerId != null ? { customerId: args.filter.customerId } : {}),
      ...(args.filter?.types != null ? { types: [...new Set(args.filter.types)].sort() } : {}),
      ...(args.filter?.occurredAfter != null ? { occurredAfter: args.filter.occurredAfter } : {}),
    };
    const binding = CursorCodec.binding({ connection: 'customerEvents', query });
    const afterPosition = request.after === null ? 0 : positionOf(this.deps.cursors.decode(request.after, binding, 'after'));
    // Read-your-writes: whatever committed before this read is numbered before the page is read.
    await this.deps.sequencer.catchUp();
    const rows = await this.deps.database.read.events.feedPage(brand, query, afterPosition, request.size + 1);
    return buildConnection(
      { rows: rows.slice(0, request.size), hasMore: rows.length > request.size },
      request,
      (event) => this.deps.cursors.encode(binding, [event.position]),
      () => Promise.reject(new Error('the change feed has no totalCount')),
    );
  }
}

function positionOf(key: ReadonlyArray<string | number>): number {
  const [position] = key;
  if (key.length !== 1 || typeof position !== 'number' || !Number.isSafeInteger(position) || position < 0) {
    throw badUserInput('The `after` cursor is malformed; use a cursor exactly as this connection returned it.', 'after');
  }
  return position;
}

import { CustomerActivityEntity } from '../../data/entities/customer-activity.entity';
import { customerNotFound, UserError } from '../../core/errors/user-error';
import { badUserInput } from '../../core/errors/graphql-errors';
import { ConnectionValue } from '../../core/paging/connection';
import { CursorCodec } from '../../core/paging/cursor-codec';
import { NESTED_PAGE_LIMITS, PageArgs, resolvePageRequest } from '../../core/paging/page-request';
import { ACTIVITY_KEYSET, ActivityQuery } from '../../data/repositories/activity.repository';
import { Database } from '../../data/database';
import { cursorKeyOf } from '../../data/keyset';
import { ActivityOrigin } from '../../core/activity-origin';
import { ActivityListFilter, RecordActivityFields } from './activity-inputs';
import { validateExternalActivity } from './activity.rules';
import { filterInstant } from '../date-range.rules';
import { newActivityId } from '../../core/customer-ids';
import { recordActivities } from '../event/change-log';
import { readNestedConnections } from '../nested-pages';

export const MAX_FILTER_TYPES = 100;

export interface ActivityResult {
  activity: CustomerActivityEntity | null;
  userErrors: UserError[];
}

export interface CustomerActivityServiceDeps {
  database: Database;
  cursors: CursorCodec;
  now?: () => Date;
}

/** The activity timeline: external events recorded by other systems, and paging through a customer's events. */
export class CustomerActivityService {
  private readonly database: Database;
  private readonly cursors: CursorCodec;
  private readonly now: () => Date;

  constructor(deps: CustomerActivityServiceDeps) {
    this.database = deps.database;
    this.cursors = deps.cursors;
    this.now = deps.now ?? (() => new Date());
  }

  /** Records an EXTERNAL activity. It describes the customer's world, not a change to the customer: no new version. */
  async record(brand: string, input: RecordActivityFields): Promise<ActivityResult> {
    const errors = validateExternalActivity(input, ['input']);
    if (errors.length > 0) return { activity: null, userErrors: errors };
    return this.database.transaction(async (repositories) => {
      // Read and locked in the writing transaction, so a concurrent purge cannot leave the activity behind.
      const customer = await repositories.customers.findByIdForUpdate(brand, input.customerId);
      if (!customer) return { activity: null, userErrors: [customerNotFound(['input', 'customerId'])] };
      const now = this.now();
      const activity: CustomerActivityEntity = {
        id: newActivityId(now),
        customerId: customer.id,
        brand,
        type: input.type.trim(),
        origin: ActivityOrigin.EXTERNAL,
        message: input.message ?? null,
        initiatedBy: input.initiatedBy ?? null,
        sourceUrl: input.sourceUrl ?? null,
        data: input.data ?? {},
        occurredAt: input.occurredAt ?? now,
        recordedAt: now,
      };
      await recordActivities(repositories, [activity]);
      return { activity, userErrors: [] };
    });
  }

  /** One page of activities per customer, newest first, read in one statement. */
  async pages(
    brand: string,
    customerIds: readonly string[],
    args: PageArgs & { filter?: ActivityListFilter | null },
    countOf: (customerId: string) => Promise<number>,
  ): Promise<Map<string, ConnectionValue<CustomerActivityEntity> | Error>> {
    const request = resolvePageRequest(args, NESTED_PAGE_LIMITS);
    const query = toActivityQuery(args.filter);
    return readNestedConnections({
      cursors: this.cursors,
      customerIds,
      request,
      bindingOf: (customerId) => CursorCodec.binding({ connection: 'activities', customerId, query }),
      read: (ids, boundsOf) => this.database.read.activities.pages(brand, ids, query, request, boundsOf),
      toNode: (row: CustomerActivityEntity) => row,
      cursorKeyOf: (row) => cursorKeyOf(ACTIVITY_KEYSET, row),
      countOf,
    });
  }

  counts(brand: string, customerIds: readonly string[], filter: ActivityListFilter | null | undefined): Promise<Map<string, number>> {
    return this.database.read.activities.counts(brand, customerIds, toActivityQuery(filter));
  }
}

export function toActivityQuery(filter: ActivityListFilter | null | undefined): ActivityQuery {
  const query: ActivityQuery = {};
  if (!filter) return query;
  if (filter.types != null) {
    if (filter.types.length > MAX_FILTER_TYPES)
      throw badUserInput(`\`filter.types\` may hold at most ${MAX_FILTER_TYPES} types.`, 'filter');
    query.types = [...new Set(filter.types)].sort();
  }
  if (filter.origin != null) query.origin = filter.origin;
  if (filter.occurredAfter != null) query.occurredAfter = filterInstant(filter.occurredAfter, 'filter.occurredAfter');
  if (filter.occurredBefore != null) query.occurredBefore = filterInstant(filter.occurredBefore, 'filter.occurredBefore');
  return query;
}

import DataLoader from 'dataloader';
import { CustomerActivityEntity } from '../data/entities/customer-activity.entity';
import { CustomerChannelEntity } from '../data/entities/customer-channel.entity';
import { CustomerEntity } from '../data/entities/customer.entity';
import { Caller } from '../core/caller';
import { ConnectionValue } from '../core/paging/connection';
import { canonicalJson } from '../core/paging/cursor-codec';
import { PageArgs } from '../core/paging/page-request';
import { CustomerFlagView } from '../domain/flag/customer-flag.service';
import { Services } from '../domain/services';
import { ChannelType } from '../core/channel-type';
import { CustomerActivityFilter } from './activity/customer-activity-filter.input';

export type ActivityPageArgs = PageArgs & { filter?: CustomerActivityFilter | null };

/**
 * Per-request DataLoaders; never shared between requests, so caches never leak
 * across callers. Nested fields take arguments, so their loaders are families:
 * one loader per distinct argument set, each batching every customer asked
 * with those arguments into one statement.
 */
export interface Loaders {
  /**
   * Customers of the caller's brand by id, soft-deleted ones included (entity
   * references need them); a merged id answers with its survivor.
   */
  customerById: DataLoader<string, CustomerEntity | null>;
  channels(type: ChannelType | null): DataLoader<string, CustomerChannelEntity[]>;
  flags(args: PageArgs): DataLoader<string, ConnectionValue<CustomerFlagView>>;
  /** How many flags each customer has; the flag connections' `totalCount`. */
  flagCounts: DataLoader<string, number>;
  activities(args: ActivityPageArgs): DataLoader<string, ConnectionValue<CustomerActivityEntity>>;
  /** How many activities match the filter for each customer; the activity connections' `totalCount`. */
  activityCounts(filter: CustomerActivityFilter | null | undefined): DataLoader<string, number>;
  /** The ids of each customer's possible duplicates, `first` of them. */
  possibleDuplicateIds(first: number | null | undefined): DataLoader<string, string[]>;
}

/** Loaders keyed by customer id, one per distinct (canonically serialised) argument set. */
function loaderFamily<A, V>(batch: (args: A, customerIds: readonly string[]) => Promise<Map<string, V | Error>>) {
  const loaders = new Map<string, DataLoader<string, V>>();
  return (args: A): DataLoader<string, V> => {
    const key = canonicalJson(args);
    let loader = loaders.get(key);
    if (!loader) {
      loader = new DataLoader<string, V>(async (customerIds) => {
        const results = await batch(args, customerIds);
        return customerIds.map((id) => results.get(id) ?? new Error(`No result for customer ${id}`));
      });
      loaders.set(key, loader);
    }
    return loader;
  };
}

export function createLoaders(services: Services, caller: Caller): Loaders {
  const { brand } = caller;
  const flagCounts = new DataLoader<string, number>(async (customerIds) => {
    const counts = await services.flags.counts(brand, customerIds);
    return customerIds.map((id) => counts.get(id) ?? 0);
  });
  const activityCounts = loaderFamily<CustomerActivityFilter | null | undefined, number>((filter, customerIds) =>
    services.activities.counts(brand, customerIds, filter),
  );
  return {
    customerById: new DataLoader(async (ids) => {
      const byId = await services.merges.findByIds(brand, ids, true);
      return ids.map((id) => byId.get(id) ?? null);
    }),
    channels: loaderFamily((type: ChannelType | null, customerIds) => services.channels.byCustomers(brand, customerIds, type)),
    flags: loaderFamily((args: PageArgs, customerIds) =>
      services.flags.pages(brand, customerIds, args, (customerId) => flagCounts.load(customerId)),
    ),
    activities: loaderFamily((args: ActivityPageArgs, customerIds) =>
      services.activities.pages(brand, customerIds, args, (customerId) => activityCounts(args.filter).load(customerId)),
    ),
    flagCounts,
    activityCounts,
    possibleDuplicateIds: loaderFamily((first: number | null | undefined, customerIds) =>
      services.merges.possibleDuplicateIds(brand, customerIds, first),
    ),
  };
}

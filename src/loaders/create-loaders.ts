import DataLoader from 'dataloader';
import { CustomerEntity } from '../entities/customer.entity';
import { Caller } from '../context/request-context';
import { Services } from '../services/services';

/** Per-request DataLoaders; never shared between requests, so caches never leak across callers. */
export interface Loaders {
  /** Customers of the caller's brand by id, soft-deleted ones included (entity references need them). */
  customerById: DataLoader<string, CustomerEntity | null>;
}

export function createLoaders(services: Services, caller: Caller): Loaders {
  return {
    customerById: new DataLoader(async (ids) => {
      const rows = await services.customers.findByIds(caller.brand, ids, true);
      const byId = new Map(rows.map((row) => [row.id, row]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
  };
}

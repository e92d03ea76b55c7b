import { EntityManager, SelectQueryBuilder } from 'typeorm';
import { CustomerActivityEntity } from '../entities/customer-activity.entity';
import { PageSlice } from '../../core/paging/connection';
import { PageRequest } from '../../core/paging/page-request';
import { ActivityOrigin } from '../../core/activity-origin';
import { Keyset } from '../keyset';
import { insertRows } from '../multi-row-insert';
import { countPerParent, ParentBounds, readPagesPerParent } from '../partitioned-page';

/** A validated activity filter. */
export interface ActivityQuery {
  types?: string[];
  origin?: ActivityOrigin;
  occurredAfter?: Date;
  occurredBefore?: Date;
}

/** Newest first: (occurred_at, id) descending; ids are unique, so the order is total. */
export const ACTIVITY_KEYSET: Keyset<CustomerActivityEntity> = {
  columns: [
    { expression: 'a.occurred_at', value: (row) => row.occurredAt, fromCursor: (v) => new Date(String(v)) },
    { expression: 'a.id', value: (row) => row.id, fromCursor: (v) => String(v) },
  ],
  descending: true,
};

/** Every SQL statement about `customer_activities`, scoped to one brand. */
export class ActivityRepository {
  constructor(private readonly manager: EntityManager) {}

  async insert(activities: CustomerActivityEntity[]): Promise<void> {
    await insertRows(this.manager, CustomerActivityEntity, activities);
  }

  /** One page of activities for each customer, in one statement. */
  pages(
    brand: string,
    customerIds: readonly string[],
    filter: ActivityQuery,
    request: PageRequest,
    boundsOf: (customerId: string) => ParentBounds,
  ): Promise<Map<string, PageSlice<CustomerActivityEntity>>> {
    return readPagesPerParent(
      {
        run: (sql, parameters) => this.manager.query(sql, parameters),
        scoped: () => this.filtered(brand, filter),
        parentColumn: 'a.customer_id',
        parentOf: (row) => row.customerId,
        keyset: ACTIVITY_KEYSET,
        index: 'ix_customer_activities_customer_occurred',
      },
      customerIds,
      request,
      boundsOf,
    );
  }

  /** How many activities matching `filter` each customer has, in one grouped statement. */
  counts(brand: string, customerIds: readonly string[], filter: ActivityQuery): Promise<Map<string, number>> {
    return countPerParent(() => this.filtered(brand, filter), 'a.customer_id', customerIds);
  }

  /** Erasure: every activity of one customer. */
  async deleteByCustomer(brand: string, customerId: string): Promise<void> {
    await this.manager
      .createQueryBuilder()
      .delete()
      .from(CustomerActivityEntity)
      .where('brand = :brand AND customer_id = :customerId', { brand, customerId })
      .execute();
  }

  private filtered(brand: string, filter: ActivityQuery): SelectQueryBuilder<CustomerActivityEntity> {
    const query = this.manager.createQueryBuilder(CustomerActivityEntity, 'a').where('a.brand = :brand', { brand });
    if (filter.types) query.andWhere('a.type IN (:...types)', { types: filter.types.length > 0 ? filter.types : [''] });
    if (filter.origin) query.andWhere('a.origin = :origin', { origin: filter.origin });
    if (filter.occurredAfter) query.andWhere('a.occurred_at > :occurredAfter', { occurredAfter: filter.occurredAfter });
    if (filter.occurredBefore) query.andWhere('a.occurred_at < :occurredBefore', { occurredBefore: filter.occurredBefore });
    return query;
  }
}

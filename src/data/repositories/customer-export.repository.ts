import { EntityManager } from 'typeorm';
import { CustomerEntity } from '../entities/customer.entity';
import { CustomerActivityEntity } from '../entities/customer-activity.entity';
import { CustomerChannelEntity } from '../entities/customer-channel.entity';
import { CustomerFlagEntity } from '../entities/customer-flag.entity';
import { entityHydrator, readEntities } from '../read-entities';
import { statementWithIndex } from '../keyset';

/** `(brand, deleted_at, id)`: the export's pages are ranges of it (see the create-imports migration). */
const EXPORT_INDEX = 'ix_customers_brand_live_id';

/** Reads for exports: a brand's live customers in id order, and everything about one customer, each in bounded pages. */
export class CustomerExportRepository {
  constructor(private readonly manager: EntityManager) {}

  /**
   * Up to `limit` live customers of the brand with an id above `afterId` (null:
   * from the start), in id order: one range of `(brand, deleted_at, id)`,
   * forced, since with an id bound MariaDB prefers the primary key's range,
   * which walks every brand's rows after the cursor.
   */
  async livePage(brand: string, afterId: string | null, limit: number): Promise<CustomerEntity[]> {
    const query = this.manager
      .createQueryBuilder(CustomerEntity, 'c')
      .where('c.brand = :brand AND c.deletedAt IS NULL', { brand })
      .orderBy('c.id', 'ASC')
      .limit(limit);
    if (afterId !== null) query.andWhere('c.id > :afterId', { afterId });
    const [sql, parameters] = statementWithIndex(query, EXPORT_INDEX);
    const hydrate = entityHydrator(query);
    const rows: Record<string, unknown>[] = await this.manager.query(sql, parameters);
    return rows.map(hydrate);
  }

  async channelsPage(brand: string, customerId: string, afterId: string | null, limit: number): Promise<CustomerChannelEntity[]> {
    const query = this.manager
      .createQueryBuilder(CustomerChannelEntity, 'ch')
      .where('ch.brand = :brand AND ch.customerId = :customerId', { brand, customerId })
      .orderBy('ch.id', 'ASC')
      .limit(limit);
    if (afterId !== null) query.andWhere('ch.id > :afterId', { afterId });
    return readEntities(query);
  }

  async flagsPage(brand: string, customerId: string, afterName: string | null, limit: number): Promise<CustomerFlagEntity[]> {
    const query = this.manager
      .createQueryBuilder(CustomerFlagEntity, 'fl')
      .where('fl.brand = :brand AND fl.customerId = :customerId', { brand, customerId })
      .orderBy('fl.name', 'ASC')
      .limit(limit);
    if (afterName !== null) query.andWhere('fl.name > :afterName', { afterName });
    return readEntities(query);
  }

  /** Oldest first, by `(occurred_at, id)`: a range of the `(customer_id, occurred_at, id)` index from the last row read. */
  async activitiesPage(
    brand: string,
    customerId: string,
    after: { occurredAt: Date; id: string } | null,
    limit: number,
  ): Promise<CustomerActivityEntity[]> {
    const query = this.manager
      .createQueryBuilder(CustomerActivityEntity, 'a')
      .where('a.customerId = :customerId AND a.brand = :brand', { brand, customerId })
      .orderBy('a.occurredAt', 'ASC')
      .addOrderBy('a.id', 'ASC')
      .limit(limit);
    if (after !== null) {
      query.andWhere('(a.occurredAt > :afterAt OR (a.occurredAt = :afterAt AND a.id > :afterId))', {
        afterAt: after.occurredAt,
        afterId: after.id,
      });
    }
    return readEntities(query);
  }
}

import { EntityManager, SelectQueryBuilder } from 'typeorm';
import { CustomerFlagEntity } from '../entities/customer-flag.entity';
import { PageSlice } from '../../core/paging/connection';
import { PageRequest } from '../../core/paging/page-request';
import { Keyset, KeysetColumn } from '../keyset';
import { countPerParent, ParentBounds, readPagesPerParent } from '../partitioned-page';

const text = (expression: string, value: (row: CustomerFlagEntity) => string): KeysetColumn<CustomerFlagEntity> => ({
  expression,
  value,
  fromCursor: (v) => String(v),
});

/** A customer's flags in name order; (name, customer_id) is unique, so the order is total. */
export const FLAG_KEYSET: Keyset<CustomerFlagEntity> = {
  columns: [text('f.name', (row) => row.name), text('f.customer_id', (row) => row.customerId)],
  descending: false,
};

/** Every SQL statement about `customer_flags`, scoped to one brand. */
export class FlagRepository {
  constructor(private readonly manager: EntityManager) {}

  /** Inserts a flag; the primary key (customer_id, name) refuses a second copy with a unique violation. */
  async insert(flags: CustomerFlagEntity[]): Promise<void> {
    if (flags.length === 0) return;
    await this.manager.createQueryBuilder().insert().into(CustomerFlagEntity).values(flags).execute();
  }

  /** Returns whether a row was deleted. */
  async delete(brand: string, customerId: string, name: string): Promise<boolean> {
    const result = await this.manager
      .createQueryBuilder()
      .delete()
      .from(CustomerFlagEntity)
      .where('brand = :brand AND customer_id = :customerId AND name = :name', { brand, customerId, name })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /** One page of flags for each customer, in one statement. */
  pages(
    brand: string,
    customerIds: readonly string[],
    request: PageRequest,
    boundsOf: (customerId: string) => ParentBounds,
  ): Promise<Map<string, PageSlice<CustomerFlagEntity>>> {
    return readPagesPerParent(
      {
        run: (sql, parameters) => this.manager.query(sql, parameters),
        scoped: () => this.select(brand),
        parentColumn: 'f.customer_id',
        parentOf: (row) => row.customerId,
        keyset: FLAG_KEYSET,
        index: 'ix_customer_flags_brand_customer_name',
      },
      customerIds,
      request,
      boundsOf,
    );
  }

  /** How many flags each customer has, in one grouped statement. */
  counts(brand: string, customerIds: readonly string[]): Promise<Map<string, number>> {
    return countPerParent(() => this.select(brand), 'f.customer_id', customerIds);
  }

  /** Erasure: every flag of one customer. */
  async deleteByCustomer(brand: string, customerId: string): Promise<void> {
    await this.manager
      .createQueryBuilder()
      .delete()
      .from(CustomerFlagEntity)
      .where('brand = :brand AND customer_id = :customerId', { brand, customerId })
      .execute();
  }

  private select(brand: string): SelectQueryBuilder<CustomerFlagEntity> {
    return this.manager.createQueryBuilder(CustomerFlagEntity, 'f').where('f.brand = :brand', { brand });
  }
}

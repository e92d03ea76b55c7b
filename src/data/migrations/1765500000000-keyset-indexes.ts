import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/** The sort columns of CustomerSortField, as stored. */
const SORT_COLUMNS = ['created_at', 'updated_at', 'family_name_key', 'email_key'] as const;

const liveIndexName = (column: string) => `ix_customers_brand_live_${column}_id`;
const FLAG_PAGE_INDEX = 'ix_customer_flags_brand_customer_name';

/**
 * One `(brand, deleted_at, sort column, id)` index per CustomerSortField, so a
 * page of live customers (`deleted_at IS NULL`, the default) is one range of an
 * index that starts at the cursor: brand and `deleted_at IS NULL` pin the
 * prefix and the keyset bound starts the range. Without `deleted_at` in the
 * index the planner reads every deleted row between the cursor and the page,
 * or walks another index and sorts. Pages that include deleted customers keep
 * using the `(brand, sort column, id)` indexes.
 *
 * A customer's flags get `(brand, customer_id, name)`: with the brand pinned
 * as well, no planner prefers the `(brand, name)` index of the `hasFlag`
 * filter, which walks every customer's flags from the cursor's name.
 */
export class KeysetIndexes1765500000000 implements MigrationInterface {
  name = 'KeysetIndexes1765500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const column of SORT_COLUMNS) {
      await queryRunner.createIndex(
        'customers',
        new TableIndex({ name: liveIndexName(column), columnNames: ['brand', 'deleted_at', column, 'id'] }),
      );
    }
    await queryRunner.createIndex(
      'customer_flags',
      new TableIndex({ name: FLAG_PAGE_INDEX, columnNames: ['brand', 'customer_id', 'name'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('customer_flags', FLAG_PAGE_INDEX);
    for (const column of SORT_COLUMNS) await queryRunner.dropIndex('customers', liveIndexName(column));
  }
}

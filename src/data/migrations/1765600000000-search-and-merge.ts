import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { exactTextOptions } from './column-options';

/**
 * `customer_search_terms` (the search index, see core/search/search-text.ts;
 * SearchTermOrderKeys1765800000000 fills it for the customers that exist),
 * and `customer_aliases` (the ids of merged customers).
 *
 * Terms: the primary key `(brand, customer_id, channel_id, term)` serves the
 * per-customer check of a search word (and the rewrites of one customer's
 * terms); `(brand, term, customer_id)` serves the lookup of the customers a
 * word matches. Both compare exactly (binary, NO PAD), so a prefix is a range.
 */
export class SearchAndMerge1765600000000 implements MigrationInterface {
  name = 'SearchAndMerge1765600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const exact = await exactTextOptions(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'customer_search_terms',
        columns: [
          { name: 'brand', type: 'varchar', length: '64', isPrimary: true, ...exact },
          { name: 'customer_id', type: 'varchar', length: '30', isPrimary: true, ...exact },
          { name: 'channel_id', type: 'varchar', length: '30', isPrimary: true, ...exact },
          { name: 'term', type: 'varchar', length: '255', isPrimary: true, ...exact },
        ],
        indices: [new TableIndex({ name: 'ix_customer_search_terms_brand_term', columnNames: ['brand', 'term', 'customer_id'] })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'customer_aliases',
        columns: [
          { name: 'alias_id', type: 'varchar', length: '30', isPrimary: true, ...exact },
          { name: 'brand', type: 'varchar', length: '64', ...exact },
          { name: 'survivor_id', type: 'varchar', length: '30', ...exact },
          { name: 'merged_at', type: 'datetime', precision: 3 },
        ],
        indices: [new TableIndex({ name: 'ix_customer_aliases_brand_survivor', columnNames: ['brand', 'survivor_id'] })],
      }),
    );
    // The terms of the customers that exist are built by SearchTermOrderKeys1765800000000, with the columns it adds.
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('customer_aliases');
    await queryRunner.dropTable('customer_search_terms');
  }
}

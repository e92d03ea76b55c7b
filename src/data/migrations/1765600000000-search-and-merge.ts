import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { exactTextOptions } from './column-options';
import { SearchTermRepository } from '../repositories/search-term.repository';

/** Customers whose terms one step of the backfill builds. */
const BACKFILL_BATCH = 1000;

/**
 * `customer_search_terms` (the search index, see core/search/search-text.ts)
 * with the terms of every existing customer, and `customer_aliases` (the ids
 * of merged customers).
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
    const terms = new SearchTermRepository(queryRunner.manager);
    // Keyset over the primary key: every step reads the next batch of ids, whatever the table's size.
    for (let after = ''; ; ) {
      const rows: Array<{ id: string; brand: string }> = await queryRunner.query(
        'SELECT id, brand FROM customers WHERE id > ? ORDER BY id LIMIT ?',
        [after, BACKFILL_BATCH],
      );
      if (rows.length === 0) break;
      const byBrand = new Map<string, string[]>();
      for (const row of rows) {
        const ids = byBrand.get(row.brand);
        if (ids) ids.push(row.id);
        else byBrand.set(row.brand, [row.id]);
      }
      for (const [brand, ids] of byBrand) await terms.rebuild(brand, ids);
      after = rows[rows.length - 1]!.id;
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('customer_aliases');
    await queryRunner.dropTable('customer_search_terms');
  }
}

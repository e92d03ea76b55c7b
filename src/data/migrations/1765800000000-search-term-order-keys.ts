import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';
import { channelTerms, customerTerms } from '../../core/search/search-text';

/** Customers whose terms one step of the backfill builds. */
const BACKFILL_BATCH = 1000;
/** Term rows per INSERT of the backfill (six values each). */
const TERMS_PER_INSERT = 2000;
const TABLE = 'customer_search_terms';
const OLD_INDEX = 'ix_customer_search_terms_brand_term';
const ORDER_INDEX = 'ix_customer_search_terms_brand_term_created_at';
/** The channel id of the terms of a customer's own fields. */
const OWN_FIELDS = '';

/** A customer's row as the backfill reads it: dates as the driver gives them, written back the same way. */
interface StoredCustomer {
  id: string;
  brand: string;
  given_name: string;
  family_name: string;
  email_address: string | null;
  phone_number: string | null;
  external_id: string | null;
  created_at: unknown;
  deleted_at: unknown;
}

/**
 * Every search term carries its customer's `created_at` and `deleted_at`, and
 * `(brand, term, created_at, customer_id, deleted_at)` replaces
 * `(brand, term, customer_id)`: the matches of a word are sorted into creation
 * order, cut to a page and told live or deleted in that index alone, and only
 * the page's customers are read (see data/repositories/customer-search.ts).
 * The rarest-word probe and the word checks read the new index as they read
 * the old one.
 *
 * In batches along the customers' primary key, with its own statements (so
 * later changes to the repositories cannot change what it does): the terms a
 * customer has are given its `created_at` and `deleted_at` in place, and a
 * customer with no terms (every customer has a name, so every customer has
 * terms) gets them built from its stored row and channels. The search
 * migration before it builds no terms any more: a database that ran it before
 * it stopped doing so has them, one that runs it now gets them here.
 */
export class SearchTermOrderKeys1765800000000 implements MigrationInterface {
  name = 'SearchTermOrderKeys1765800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex(TABLE, OLD_INDEX);
    await queryRunner.addColumns(TABLE, [
      new TableColumn({ name: 'created_at', type: 'datetime', precision: 3, isNullable: true }),
      new TableColumn({ name: 'deleted_at', type: 'datetime', precision: 3, isNullable: true }),
    ]);
    await backfill(queryRunner);
    // Terms of no customer (none are left by the service's writes) have nothing to order by.
    await queryRunner.query(`DELETE FROM ${TABLE} WHERE created_at IS NULL`);
    await queryRunner.changeColumn(
      TABLE,
      'created_at',
      new TableColumn({ name: 'created_at', type: 'datetime', precision: 3, isNullable: false }),
    );
    await queryRunner.createIndex(
      TABLE,
      new TableIndex({ name: ORDER_INDEX, columnNames: ['brand', 'term', 'created_at', 'customer_id', 'deleted_at'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex(TABLE, ORDER_INDEX);
    await queryRunner.dropColumn(TABLE, 'deleted_at');
    await queryRunner.dropColumn(TABLE, 'created_at');
    await queryRunner.createIndex(TABLE, new TableIndex({ name: OLD_INDEX, columnNames: ['brand', 'term', 'customer_id'] }));
  }
}

async function backfill(queryRunner: QueryRunner): Promise<void> {
  // Keyset over the primary key: every step reads the next batch of ids, whatever the table's size.
  for (let after = ''; ; ) {
    const customers: StoredCustomer[] = await queryRunner.query(
      `SELECT id, brand, given_name, family_name, email_address, phone_number, external_id, created_at, deleted_at
         FROM customers WHERE id > ? ORDER BY id LIMIT ?`,
      [after, BACKFILL_BATCH],
    );
    if (customers.length === 0) return;
    const byBrand = new Map<string, StoredCustomer[]>();
    for (const customer of customers) byBrand.set(customer.brand, [...(byBrand.get(customer.brand) ?? []), customer]);
    for (const [brand, group] of byBrand) {
      await copyOrderKeys(queryRunner, brand, group);
      const marks = group.map(() => '?').join(', ');
      const withTerms: Array<{ customer_id: string }> = await queryRunner.query(
        `SELECT DISTINCT customer_id FROM ${TABLE} WHERE brand = ? AND customer_id IN (${marks})`,
        [brand, ...group.map((customer) => customer.id)],
      );
      const present = new Set(withTerms.map((row) => row.customer_id));
      const missing = group.filter((customer) => !present.has(customer.id));
      if (missing.length > 0) await buildTerms(queryRunner, brand, missing);
    }
    after = customers[customers.length - 1]!.id;
  }
}

/** Gives the existing terms of these customers their customer's `created_at` and `deleted_at`. */
async function copyOrderKeys(queryRunner: QueryRunner, brand: string, customers: StoredCustomer[]): Promise<void> {
  const marks = customers.map(() => '?').join(', ');
  const parameters = [brand, ...customers.map((customer) => customer.id)];
  if (queryRunner.connection.driver.options.type === 'mysql') {
    await queryRunner.query(
      `UPDATE ${TABLE} t JOIN customers c ON c.id = t.customer_id SET t.created_at = c.created_at, t.deleted_at = c.deleted_at
        WHERE t.brand = ? AND t.customer_id IN (${marks})`,
      parameters,
    );
    return;
  }
  await queryRunner.query(
    `UPDATE ${TABLE} SET created_at = (SELECT c.created_at FROM customers c WHERE c.id = ${TABLE}.customer_id),
                         deleted_at = (SELECT c.deleted_at FROM customers c WHERE c.id = ${TABLE}.customer_id)
      WHERE brand = ? AND customer_id IN (${marks})`,
    parameters,
  );
}

/** Builds the terms of customers that have none, from their stored rows and channels. */
async function buildTerms(queryRunner: QueryRunner, brand: string, customers: StoredCustomer[]): Promise<void> {
  const marks = customers.map(() => '?').join(', ');
  const ids = customers.map((customer) => customer.id);
  const channels: Array<{ id: string; customer_id: string; type: string; value: string }> = await queryRunner.query(
    `SELECT id, customer_id, type, value FROM customer_channels WHERE brand = ? AND customer_id IN (${marks})`,
    [brand, ...ids],
  );
  const owners = new Map(customers.map((customer) => [customer.id, customer]));
  const rows: unknown[][] = [];
  for (const customer of customers) {
    const fields = {
      givenName: customer.given_name,
      familyName: customer.family_name,
      emailAddress: customer.email_address,
      phoneNumber: customer.phone_number,
      externalId: customer.external_id,
    };
    for (const term of customerTerms(fields)) rows.push([brand, customer.id, OWN_FIELDS, term, customer.created_at, customer.deleted_at]);
  }
  for (const channel of channels) {
    const owner = owners.get(channel.customer_id)!;
    for (const term of channelTerms(channel.type, channel.value)) {
      rows.push([brand, channel.customer_id, channel.id, term, owner.created_at, owner.deleted_at]);
    }
  }
  for (let start = 0; start < rows.length; start += TERMS_PER_INSERT) {
    const chunk = rows.slice(start, start + TERMS_PER_INSERT);
    await queryRunner.query(
      `INSERT INTO ${TABLE} (brand, customer_id, channel_id, term, created_at, deleted_at) VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')}`,
      chunk.flat(),
    );
  }
}

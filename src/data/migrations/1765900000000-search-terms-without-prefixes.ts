import { MigrationInterface, QueryRunner } from 'typeorm';

/** Customers whose terms one step of the migration looks at. */
const BATCH = 2000;
const TABLE = 'customer_search_terms';

/**
 * Deletes every search term that is a prefix of another term of the same
 * customer and channel (of its own fields, `channel_id` ''). A search word
 * matches a customer when it is a prefix of one of its terms, so such a term
 * finds nothing its longer term does not (`jace` and
 * `jace.rosenbaum@hotmail.com`), and the writes no longer store it (see
 * `withoutPrefixTerms`); the words' ranges of the term index get shorter (by
 * about 40 % for a given name's first letters). The answers of every search
 * are the same before and after, for this code and the code before it, so
 * `down` has nothing to undo.
 *
 * In batches along the customers' primary key, with its own statements (so
 * later changes to the repositories cannot change what it does).
 */
export class SearchTermsWithoutPrefixes1765900000000 implements MigrationInterface {
  name = 'SearchTermsWithoutPrefixes1765900000000';
  /**
   * Outside a transaction: each batch's DELETE commits by itself, so no term
   * stays locked against the service's writes for the whole run (110 s at a
   * million customers on MariaDB), and a run that stops is run again from the
   * start, deleting what is left.
   */
  transaction = false;

  async up(queryRunner: QueryRunner): Promise<void> {
    // Keyset over the primary key: every step reads the next batch of ids, whatever the table's size.
    for (let after = ''; ; ) {
      const customers: Array<{ id: string; brand: string }> = await queryRunner.query(
        'SELECT id, brand FROM customers WHERE id > ? ORDER BY id LIMIT ?',
        [after, BATCH],
      );
      if (customers.length === 0) return;
      const byBrand = new Map<string, string[]>();
      for (const { id, brand } of customers) {
        const ids = byBrand.get(brand);
        if (ids) ids.push(id);
        else byBrand.set(brand, [id]);
      }
      for (const [brand, ids] of byBrand) await deletePrefixTerms(queryRunner, brand, ids);
      after = customers[customers.length - 1]!.id;
    }
  }

  async down(): Promise<void> {
    // The terms left answer every search as the terms before did: nothing to put back.
  }
}

/**
 * The terms of these customers that another term of the same customer and
 * channel starts with. Both dialects compare the term column by code point
 * and count its characters in code points, so `LEFT`/`substr` of the longer
 * term to the shorter one's length is the prefix test.
 */
async function deletePrefixTerms(queryRunner: QueryRunner, brand: string, ids: string[]): Promise<void> {
  const marks = ids.map(() => '?').join(', ');
  if (queryRunner.connection.driver.options.type === 'mysql') {
    await queryRunner.query(
      `DELETE shorter FROM ${TABLE} shorter JOIN ${TABLE} longer
          ON longer.brand = shorter.brand AND longer.customer_id = shorter.customer_id AND longer.channel_id = shorter.channel_id
         AND longer.term > shorter.term AND LEFT(longer.term, CHAR_LENGTH(shorter.term)) = shorter.term
        WHERE shorter.brand = ? AND shorter.customer_id IN (${marks})`,
      [brand, ...ids],
    );
    return;
  }
  await queryRunner.query(
    `DELETE FROM ${TABLE} AS shorter WHERE shorter.brand = ? AND shorter.customer_id IN (${marks}) AND EXISTS (
       SELECT 1 FROM ${TABLE} longer
        WHERE longer.brand = shorter.brand AND longer.customer_id = shorter.customer_id AND longer.channel_id = shorter.channel_id
          AND longer.term > shorter.term AND substr(longer.term, 1, length(shorter.term)) = shorter.term)`,
    [brand, ...ids],
  );
}

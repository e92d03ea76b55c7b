import { EntityManager } from 'typeorm';

/**
 * Parents per statement: each brings three branches to the statement's
 * UNION ALL, below SQLite's 500 terms of a compound select.
 */
const PARENTS_PER_STATEMENT = 100;

/**
 * Reads the possible duplicates of customers: other live customers of the
 * brand with the same e-mail key, the same phone number, or a channel value in
 * common. One statement per PARENTS_PER_STATEMENT customers; each parent's
 * three branches read at most `limit` ids, in id order, from an index
 * (`(brand, deleted_at, email_key, id)`, `(brand, phone_number)`,
 * `(brand, value, customer_id)`), so a value that thousands of customers share
 * costs `limit` rows, never thousands.
 */
export class DuplicateRepository {
  constructor(private readonly manager: EntityManager) {}

  /** Each customer's duplicates' ids, in id order, at most `limit` of them; customers without any map to []. */
  async duplicateIds(brand: string, customerIds: readonly string[], limit: number): Promise<Map<string, string[]>> {
    const chunks: string[][] = [];
    const distinct = [...new Set(customerIds)];
    for (let start = 0; start < distinct.length; start += PARENTS_PER_STATEMENT) chunks.push(distinct.slice(start, start + PARENTS_PER_STATEMENT));
    const result = new Map<string, string[]>();
    for (const chunk of chunks) for (const [parent, ids] of await this.readChunk(brand, chunk, limit)) result.set(parent, ids);
    return result;
  }

  private async readChunk(brand: string, parents: readonly string[], limit: number): Promise<Map<string, string[]>> {
    const branches: string[] = [];
    const parameters: unknown[] = [];
    parents.forEach((parent, index) => {
      branches.push(
        `SELECT * FROM (SELECT p.id AS parent_id, c.id AS duplicate_id FROM customers p JOIN customers c
           ON c.brand = p.brand AND c.deleted_at IS NULL AND c.email_key = p.email_key AND c.id <> p.id
           WHERE p.brand = ? AND p.id = ? AND p.email_key <> '' ORDER BY c.id LIMIT ?) e${index}`,
        `SELECT * FROM (SELECT p.id AS parent_id, c.id AS duplicate_id FROM customers p JOIN customers c
           ON c.brand = p.brand AND c.phone_number = p.phone_number AND c.deleted_at IS NULL AND c.id <> p.id
           WHERE p.brand = ? AND p.id = ? AND p.phone_number IS NOT NULL ORDER BY c.id LIMIT ?) t${index}`,
        `SELECT * FROM (SELECT DISTINCT pc.customer_id AS parent_id, cc.customer_id AS duplicate_id FROM customer_channels pc
           JOIN customer_channels cc ON cc.brand = pc.brand AND cc.value = pc.value AND cc.customer_id <> pc.customer_id
           JOIN customers c ON c.id = cc.customer_id AND c.brand = cc.brand AND c.deleted_at IS NULL
           WHERE pc.brand = ? AND pc.customer_id = ? ORDER BY cc.customer_id LIMIT ?) v${index}`,
      );
      for (let branch = 0; branch < 3; branch += 1) parameters.push(brand, parent, limit);
    });
    const rows: Array<{ parent_id: string; duplicate_id: string }> = await this.manager.query(branches.join(' UNION ALL '), parameters);
    const byParent = new Map<string, Set<string>>(parents.map((parent) => [parent, new Set<string>()]));
    for (const row of rows) byParent.get(row.parent_id)?.add(row.duplicate_id);
    // Up to three branches of `limit` each: the `limit` smallest ids of their union are the parent's first duplicates.
    return new Map([...byParent].map(([parent, ids]) => [parent, [...ids].sort(compareIds).slice(0, limit)]));
  }
}

/** Ids are ASCII (a prefix and a ULID): code unit order is the databases' binary order. */
function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

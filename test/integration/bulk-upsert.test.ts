import { uniqueLetters, upsertCustomers } from '../helpers/customer-api';
import { describeDb, startTestServer, TestServer } from '../helpers/test-server';

describeDb('Mutation.upsertCustomers bulk writes', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.close());

  /**
   * Upserts `size` inputs of which every other one updates an existing customer
   * (a real change: a new given name and a metadata key) and the rest create
   * one, and returns the statements the call issued.
   */
  async function mixedCall(size: number): Promise<{ count: number; statements: string[] }> {
    const token = uniqueLetters();
    const externalIds = Array.from({ length: size }, (_, index) => `mixed-${token}-${index}`);
    const existing = externalIds.filter((_, index) => index % 2 === 0);
    const seeded = await upsertCustomers(
      t,
      existing.map((externalId) => ({ externalId, givenName: 'Before' })),
    );
    expect(seeded.results.every((result) => result.created)).toBe(true);

    const inputs = externalIds.map((externalId, index) => ({ externalId, givenName: 'After', metadata: { round: index } }));
    const { result, count, statements } = await t.countStatements(() => upsertCustomers(t, inputs));
    expect(result.userErrors).toEqual([]);
    expect(result.results.map((item) => [item.created, item.userErrors, item.customer?.givenName, item.customer?.version])).toEqual(
      externalIds.map((_, index) => (index % 2 === 0 ? [false, [], 'After', 2] : [true, [], 'After', 1])),
    );
    const rows = await t.sql<{ external_id: string; given_name: string; version: number | string }>(
      'SELECT external_id, given_name, version FROM customers WHERE external_id LIKE ?',
      [`mixed-${token}-%`],
    );
    expect(rows).toHaveLength(size);
    expect(rows.every((row) => row.given_name === 'After')).toBe(true);
    const [activities] = await t.sql<{ created: number | string; updated: number | string }>(
      `SELECT SUM(CASE WHEN a.type = 'customer.created' THEN 1 ELSE 0 END) AS created,
              SUM(CASE WHEN a.type = 'customer.updated' THEN 1 ELSE 0 END) AS updated
       FROM customer_activities a JOIN customers c ON c.id = a.customer_id WHERE c.external_id LIKE ?`,
      [`mixed-${token}-%`],
    );
    // Seeding created the existing half; this call created the other half and updated the first.
    expect([Number(activities!.created), Number(activities!.updated)]).toEqual([size, existing.length]);
    return { count, statements };
  }

  it('writes a mix of new and updated customers with the same statements for 10 inputs as for 100', async () => {
    const ten = await mixedCall(10);
    const hundred = await mixedCall(100);
    expect(hundred.count).toBe(ten.count);
  });

  it('creates new customers without reading their ids back: one locking read, then inserts only', async () => {
    const token = uniqueLetters();
    const inputs = Array.from({ length: 50 }, (_, index) => ({ externalId: `new-${token}-${index}`, givenName: 'Fresh' }));
    const { result, statements } = await t.countStatements(() => upsertCustomers(t, inputs));
    expect(result.results.every((item) => item.created && item.userErrors.length === 0)).toBe(true);
    const customerReads = statements.filter((sql) => /^SELECT/i.test(sql.trim()) && /FROM [`"]?customers[`"]?/i.test(sql));
    // The read that locks the inputs' external ids; a read of the inserted ids would be a second one.
    expect(customerReads).toHaveLength(1);
  });

  it('answers an unchanged input with the stored customer and writes neither a version nor an activity for it', async () => {
    const externalId = `same-${uniqueLetters()}`;
    const [first] = (await upsertCustomers(t, [{ externalId, givenName: 'Same', metadata: { a: 1 } }])).results;
    const payload = await upsertCustomers(t, [
      { externalId, givenName: 'Same', metadata: { a: 1 } },
      { externalId: `${externalId}-new`, givenName: 'Other' },
    ]);
    expect(payload.results[0]).toEqual({ ...first, index: 0, created: false });
    const activities = await t.sql<{ type: string }>(
      'SELECT a.type FROM customer_activities a JOIN customers c ON c.id = a.customer_id WHERE c.external_id = ?',
      [externalId],
    );
    expect(activities.map((activity) => activity.type)).toEqual(['customer.created']);
  });

  it('keeps per-input rules in a bulk update: an invalid change is refused and the other inputs are written', async () => {
    const token = uniqueLetters();
    await upsertCustomers(t, [
      { externalId: `rules-${token}-a`, givenName: 'Kept' },
      { externalId: `rules-${token}-b`, givenName: 'Changed' },
    ]);
    const payload = await upsertCustomers(t, [
      { externalId: `rules-${token}-a`, givenName: '' },
      { externalId: `rules-${token}-b`, familyName: 'Now' },
      { externalId: `rules-${token}-a`, metadata: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i])) },
    ]);
    expect(payload.results.map((result) => [result.customer?.version ?? null, result.userErrors.map((error) => error.code)])).toEqual([
      [null, ['BLANK']],
      [2, []],
      [null, ['LIMIT_EXCEEDED']],
    ]);
    const rows = await t.sql<{ external_id: string; given_name: string; family_name: string; version: number | string }>(
      'SELECT external_id, given_name, family_name, version FROM customers WHERE external_id LIKE ? ORDER BY external_id',
      [`rules-${token}-%`],
    );
    expect(rows.map((row) => [row.given_name, row.family_name, Number(row.version)])).toEqual([
      ['Kept', '', 1],
      ['Changed', 'Now', 2],
    ]);
  });
});

import { bulkLoadCustomers } from '../../src/data/repositories/customer-bulk-load';
import { newCustomerRow } from '../../src/domain/customer/customer-row';
import { describeDb, dialect, startTestServer, TestServer } from '../helpers/test-server';

jest.setTimeout(120_000);

const COUNT = 9000;
const START = Date.parse('2024-06-01T00:00:00.000Z');

interface Node {
  id: string;
  givenName: string;
  familyName: string;
  emailAddress: string | null;
  externalId: string | null;
  createdAt: string;
  metadata: Record<string, unknown>;
}

/** Every index of `customers` with its columns in order. */
async function indexesOf(t: TestServer): Promise<string[]> {
  if (dialect === 'sqlite') {
    const indexes = await t.sql<{ name: string }>(
      `SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'customers' ORDER BY name`,
    );
    return indexes.map((index) => index.name);
  }
  const parts = await t.sql<{ name: string; columns: string; unique: number | string }>(
    `SELECT index_name AS name, GROUP_CONCAT(column_name ORDER BY seq_in_index) AS columns, MIN(non_unique) AS \`unique\`
       FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = 'customers' GROUP BY index_name ORDER BY index_name`,
  );
  return parts.map((part) => `${part.name}(${part.columns})${Number(part.unique) === 0 ? ' unique' : ''}`);
}

describeDb('bulk loading customers (the seed fast path)', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer();
  });

  afterAll(async () => {
    await t?.close();
  });

  it('inserts every row once, in transactions of the given size, as the API reads them back', async () => {
    const progress: number[] = [];
    const inserted = await bulkLoadCustomers(t.server.database.dataSource, {
      count: COUNT,
      rowsPerTransaction: 4000,
      build: (from, size) =>
        Array.from({ length: size }, (_, index) => {
          const n = from + index;
          return newCustomerRow(
            'default',
            {
              givenName: `Ádám${n}`,
              familyName: n % 2 === 0 ? 'Łukasz' : '山田',
              emailAddress: n % 3 === 0 ? null : `Person.${n}@Example.com`,
              externalId: n % 4 === 0 ? `crm-${n}` : null,
              metadata: { n },
            },
            new Date(START + n * 1000),
          );
        }),
      onProgress: (done) => progress.push(done),
    });
    expect(inserted).toBe(COUNT);
    expect(progress).toEqual([4000, 8000, 9000]);

    const [counts] = await t.sql<{ total: number | string; ids: number | string }>(
      `SELECT COUNT(*) AS total, COUNT(DISTINCT id) AS ids FROM customers WHERE brand = 'default'`,
    );
    expect([Number(counts!.total), Number(counts!.ids)]).toEqual([COUNT, COUNT]);

    const response = await t.graphql<{ customers: { totalCount: number; nodes: Node[] } }>(
      `{ customers(first: 3, orderBy: { field: EMAIL_ADDRESS, direction: DESC }) {
          totalCount nodes { id givenName familyName emailAddress externalId createdAt metadata } } }`,
    );
    expect(response.errors).toBeUndefined();
    expect(response.data!.customers.totalCount).toBe(COUNT);
    // E-mail keys are lower-cased, so "person.998@example.com" sorts last; its row came through whole.
    const [last] = response.data!.customers.nodes;
    expect(last).toEqual({
      id: expect.stringMatching(/^cus_/),
      givenName: 'Ádám998',
      familyName: 'Łukasz',
      emailAddress: 'Person.998@Example.com',
      externalId: null,
      createdAt: new Date(START + 998 * 1000).toISOString(),
      metadata: { n: 998 },
    });
    const byName = await t.graphql<{ customers: { totalCount: number } }>(`{ customers(filter: { name: "山田" }) { totalCount } }`);
    expect(byName.data!.customers.totalCount).toBe(COUNT / 2);
  });

  it('rolls back the transaction a failing statement belongs to, keeps the committed ones, and builds deferred indexes again', async () => {
    const before = Number((await t.sql<{ total: number | string }>(`SELECT COUNT(*) AS total FROM customers`))[0]!.total);
    const indexesBefore = await indexesOf(t);
    const load = bulkLoadCustomers(t.server.database.dataSource, {
      deferIndexes: true,
      count: 3000,
      rowsPerTransaction: 2000,
      // The second transaction repeats an external id of its own: a unique violation.
      build: (from, size) =>
        Array.from({ length: size }, (_, index) =>
          newCustomerRow('rollback', { givenName: 'R', externalId: from >= 2000 ? 'twice' : `r-${from + index}` }, new Date(START)),
        ),
    });
    await expect(load).rejects.toThrow();
    const after = Number((await t.sql<{ total: number | string }>(`SELECT COUNT(*) AS total FROM customers`))[0]!.total);
    expect(after - before).toBe(2000);
    expect(await indexesOf(t)).toEqual(indexesBefore);
  });

  it('with deferred indexes, ends with every index the migrations made', async () => {
    const indexesBefore = await indexesOf(t);
    await bulkLoadCustomers(t.server.database.dataSource, {
      deferIndexes: true,
      count: 5000,
      rowsPerTransaction: 5000,
      build: (from, size) =>
        Array.from({ length: size }, (_, index) => newCustomerRow('deferred', { familyName: `D${from + index}` }, new Date(START))),
    });
    expect(await indexesOf(t)).toEqual(indexesBefore);
    expect(indexesBefore.length).toBeGreaterThan(10);
    const [deferred] = await t.sql<{ total: number | string }>(`SELECT COUNT(*) AS total FROM customers WHERE brand = 'deferred'`);
    expect(Number(deferred!.total)).toBe(5000);
  });
});

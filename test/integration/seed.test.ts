import { bulkLoadCustomers } from '../../src/data/repositories/customer-bulk-load';
import { newCustomerRow } from '../../src/domain/customer/customer.service';
import { describeDb, startTestServer, TestServer } from '../helpers/test-server';

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

  it('rolls back the transaction a failing statement belongs to, and keeps the committed ones', async () => {
    const before = Number((await t.sql<{ total: number | string }>(`SELECT COUNT(*) AS total FROM customers`))[0]!.total);
    const load = bulkLoadCustomers(t.server.database.dataSource, {
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
  });
});

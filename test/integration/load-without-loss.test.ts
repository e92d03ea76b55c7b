import { describeDb, dialect, startTestServer, TestServer } from '../helpers/test-server';

const CUSTOMERS = 3000;
const CONCURRENCY = 30;
/**
 * About 15 s alone, but over 120 s at the end of a suite run in one process whose heap had grown
 * to 2 GB (see workerIdleMemoryLimit in jest.config.js). Losing nothing is the point here, not
 * speed (bench/ measures that), so the budget is wide.
 */
const BUDGET_MS = 480_000;

const CREATE = /* GraphQL */ `
  mutation Create($input: CreateCustomerInput!) {
    createCustomer(input: $input) {
      customer {
        id
        emailAddress
      }
      userErrors {
        code
      }
    }
  }
`;

interface CreateResponse {
  data?: { createCustomer: { customer: { id: string; emailAddress: string } | null; userErrors: Array<{ code: string }> } };
  errors?: unknown[];
}

/** Lower-case letters only (names accept letters, not digits). */
function letters(n: number): string {
  return n.toString(26).replace(/./g, (digit) => String.fromCharCode(97 + parseInt(digit, 26)));
}

describeDb('createCustomer under load', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer();
  });

  afterAll(async () => {
    await t?.close();
  });

  it(
    `loses nothing: ${CUSTOMERS} creates at concurrency ${CONCURRENCY} over HTTP all succeed and are all stored, each with its activity`,
    async () => {
      const started = Date.now();
      const failures: Array<{ index: number; status: number; body: unknown }> = [];
      const ids: string[] = [];
      let next = 0;
      // CONCURRENCY clients, each sending its next create as soon as its last one was answered.
      const client = async (): Promise<void> => {
        while (next < CUSTOMERS) {
          const index = next++;
          const response = await fetch(t.server.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              query: CREATE,
              variables: { input: { givenName: 'Load', familyName: `Test ${letters(index)}`, emailAddress: `load.${index}@example.com` } },
            }),
          });
          const body = (await response.json()) as CreateResponse;
          const payload = body.data?.createCustomer;
          if (response.status !== 200 || body.errors || !payload?.customer || payload.userErrors.length > 0) {
            failures.push({ index, status: response.status, body });
          } else {
            expect(payload.customer.emailAddress).toBe(`load.${index}@example.com`);
            ids.push(payload.customer.id);
          }
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, client));
      const seconds = (Date.now() - started) / 1000;
      console.log(
        `${dialect}: ${CUSTOMERS} creates at concurrency ${CONCURRENCY} in ${seconds.toFixed(1)} s (${Math.round(CUSTOMERS / seconds)}/s)`,
      );

      expect(failures.slice(0, 5)).toEqual([]);
      expect(failures).toHaveLength(0);
      expect(ids).toHaveLength(CUSTOMERS);
      expect(new Set(ids).size).toBe(CUSTOMERS);

      const [customers] = await t.sql<{ n: number | string; ids: number | string }>(
        'SELECT COUNT(*) AS n, COUNT(DISTINCT id) AS ids FROM customers',
      );
      expect(Number(customers!.n)).toBe(CUSTOMERS);
      expect(Number(customers!.ids)).toBe(CUSTOMERS);
      const stored = new Set((await t.sql<{ id: string }>('SELECT id FROM customers')).map((row) => row.id));
      expect(ids.filter((id) => !stored.has(id))).toEqual([]);

      const [activities] = await t.sql<{ n: number | string; customers: number | string }>(
        "SELECT COUNT(*) AS n, COUNT(DISTINCT customer_id) AS customers FROM customer_activities WHERE type = 'customer.created'",
      );
      expect(Number(activities!.n)).toBe(CUSTOMERS);
      expect(Number(activities!.customers)).toBe(CUSTOMERS);
      const [orphans] = await t.sql<{ n: number | string }>(
        "SELECT COUNT(*) AS n FROM customer_activities a WHERE a.type = 'customer.created' AND NOT EXISTS (SELECT 1 FROM customers c WHERE c.id = a.customer_id)",
      );
      expect(Number(orphans!.n)).toBe(0);
    },
    BUDGET_MS,
  );
});

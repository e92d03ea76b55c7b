import { uniqueLetters, UserErrorView } from '../helpers/customer-api';
import { describeDb, startTestServer, TestServer } from '../helpers/test-server';

interface UpdatePayload {
  updateCustomer: { customer: { id: string; version: number; givenName: string } | null; userErrors: UserErrorView[] };
}

const RACERS = 20;
/** Five times the pool's connections: requests queue for a connection and for the row lock. */
const WIDE_RACERS = 50;
const BATCHES = 10;
const BATCH_IDS = 20;

interface UpsertPayload {
  upsertCustomer: { customer: { id: string; version: number } | null; created: boolean; userErrors: UserErrorView[] };
}

interface UpsertManyPayload {
  upsertCustomers: {
    results: Array<{ customer: { externalId: string; version: number } | null; created: boolean; userErrors: UserErrorView[] }>;
  };
}

const UPSERT = `mutation ($input: UpsertCustomerInput!) {
  upsertCustomer(input: $input) { customer { id version } created userErrors { field code } }
}`;

const UPSERT_MANY = `mutation ($inputs: [UpsertCustomerInput!]!) {
  upsertCustomers(inputs: $inputs) { results { customer { externalId version } created userErrors { field code } } }
}`;

describeDb('optimistic concurrency', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.close());

  it('lets exactly one of 20 racing updates with the same expectedVersion win; the others get VERSION_CONFLICT', async () => {
    const created = await t.graphql<{ createCustomer: { customer: { id: string; version: number } } }>(
      'mutation { createCustomer(input: { givenName: "Start", familyName: "Racing" }) { customer { id version } } }',
    );
    const { id, version } = created.data!.createCustomer.customer;
    expect(version).toBe(1);
    const names = Array.from({ length: RACERS }, (_, index) => `Racer${String.fromCharCode(97 + index)}`);

    const responses = await Promise.all(
      names.map((givenName) =>
        t.graphql<UpdatePayload>(
          `mutation ($input: UpdateCustomerInput!) {
            updateCustomer(input: $input) { customer { id version givenName } userErrors { field code } }
          }`,
          { input: { id, expectedVersion: 1, givenName } },
        ),
      ),
    );
    expect(responses.flatMap((response) => response.errors ?? [])).toEqual([]);
    const payloads = responses.map((response) => response.data!.updateCustomer);
    const winners = payloads.filter((payload) => payload.userErrors.length === 0);
    const losers = payloads.filter((payload) => payload.userErrors.length > 0);
    expect(winners).toHaveLength(1);
    expect(winners[0]!.customer!.version).toBe(2);
    expect(losers.map((payload) => payload.userErrors)).toEqual(
      Array.from({ length: RACERS - 1 }, () => [{ field: ['input', 'expectedVersion'], code: 'VERSION_CONFLICT' }]),
    );
    expect(losers.every((payload) => payload.customer === null)).toBe(true);

    const [row] = await t.sql<{ version: number | string; given_name: string }>('SELECT version, given_name FROM customers WHERE id = ?', [
      id,
    ]);
    expect(Number(row!.version)).toBe(2);
    expect(row!.given_name).toBe(winners[0]!.customer!.givenName);
    const activities = await t.sql<{ type: string }>('SELECT type FROM customer_activities WHERE customer_id = ? ORDER BY type', [id]);
    expect(activities.map((activity) => activity.type)).toEqual(['customer.created', 'customer.updated']);
  });

  it('applies every one of 50 racing updates without expectedVersion: version 1 + 50, no VERSION_CONFLICT', async () => {
    const created = await t.graphql<{ createCustomer: { customer: { id: string } } }>(
      'mutation { createCustomer(input: { givenName: "Start", familyName: "Unversioned" }) { customer { id } } }',
    );
    const { id } = created.data!.createCustomer.customer;
    const responses = await Promise.all(
      Array.from({ length: WIDE_RACERS }, (_, index) =>
        t.graphql<UpdatePayload>(
          'mutation ($input: UpdateCustomerInput!) { updateCustomer(input: $input) { customer { id version givenName } userErrors { field code } } }',
          { input: { id, metadata: { [`k${index}`]: index } } },
        ),
      ),
    );
    expect(responses.flatMap((response) => response.errors ?? [])).toEqual([]);
    expect(responses.flatMap((response) => response.data!.updateCustomer.userErrors)).toEqual([]);
    // Each update saw the row as the one before it left it: the versions it answered are 2 … 51, each once.
    const versions = responses.map((response) => response.data!.updateCustomer.customer!.version).sort((a, b) => a - b);
    expect(versions).toEqual(Array.from({ length: WIDE_RACERS }, (_, index) => index + 2));
    const [row] = await t.sql<{ version: number | string; metadata: unknown }>('SELECT version, metadata FROM customers WHERE id = ?', [
      id,
    ]);
    expect(Number(row!.version)).toBe(1 + WIDE_RACERS);
    const metadata = (typeof row!.metadata === 'string' ? JSON.parse(row!.metadata) : row!.metadata) as Record<string, number>;
    expect(Object.keys(metadata).sort()).toEqual(Array.from({ length: WIDE_RACERS }, (_, index) => `k${index}`).sort());
    const [updates] = await t.sql<{ n: number | string }>(
      "SELECT COUNT(*) AS n FROM customer_activities WHERE customer_id = ? AND type = 'customer.updated'",
      [id],
    );
    expect(Number(updates!.n)).toBe(WIDE_RACERS);
  });
});

describeDb('concurrent upserts by externalId', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.close());

  it('creates once and updates 49 times when 50 upsertCustomer of one new externalId race', async () => {
    const externalId = `race-${uniqueLetters()}`;
    const responses = await Promise.all(
      Array.from({ length: WIDE_RACERS }, (_, index) =>
        t.graphql<UpsertPayload>(UPSERT, { input: { externalId, givenName: 'Racer', metadata: { [`k${index}`]: index } } }),
      ),
    );
    expect(responses.flatMap((response) => response.errors ?? [])).toEqual([]);
    const payloads = responses.map((response) => response.data!.upsertCustomer);
    expect(payloads.flatMap((payload) => payload.userErrors)).toEqual([]);
    expect(payloads.filter((payload) => payload.created)).toHaveLength(1);
    const rows = await t.sql<{ id: string; version: number | string }>('SELECT id, version FROM customers WHERE external_id = ?', [
      externalId,
    ]);
    expect(rows).toHaveLength(1);
    expect(new Set(payloads.map((payload) => payload.customer!.id))).toEqual(new Set([rows[0]!.id]));
    // Every input adds a metadata key, so each of the 49 updates is a change: one version each.
    expect(Number(rows[0]!.version)).toBe(WIDE_RACERS);
    expect(payloads.map((payload) => payload.customer!.version).sort((a, b) => a - b)).toEqual(
      Array.from({ length: WIDE_RACERS }, (_, index) => index + 1),
    );
  });

  it('creates each input once when 10 upsertCustomers batches over the same externalIds race, in different orders', async () => {
    const token = uniqueLetters();
    const externalIds = Array.from({ length: BATCH_IDS }, (_, index) => `batch-${token}-${String(index).padStart(2, '0')}`);
    const responses = await Promise.all(
      Array.from({ length: BATCHES }, (_, batch) => {
        // Each batch lists the ids rotated by a different amount, half of them reversed: no two lock in the order given.
        const rotated = [...externalIds.slice(batch * 2), ...externalIds.slice(0, batch * 2)];
        const ordered = batch % 2 === 0 ? rotated : rotated.reverse();
        return t.graphql<UpsertManyPayload>(UPSERT_MANY, {
          inputs: ordered.map((externalId) => ({ externalId, givenName: 'Batch', metadata: { [`b${batch}`]: true } })),
        });
      }),
    );
    expect(responses.flatMap((response) => response.errors ?? [])).toEqual([]);
    const results = responses.flatMap((response) => response.data!.upsertCustomers.results);
    expect(results.flatMap((result) => result.userErrors)).toEqual([]);
    const createdIds = results.filter((result) => result.created).map((result) => result.customer!.externalId);
    expect(createdIds.sort()).toEqual(externalIds);
    const rows = await t.sql<{ external_id: string; version: number | string }>(
      'SELECT external_id, version FROM customers WHERE external_id LIKE ? ORDER BY external_id',
      [`batch-${token}-%`],
    );
    expect(rows.map((row) => [row.external_id, Number(row.version)])).toEqual(externalIds.map((externalId) => [externalId, BATCHES]));
  });
});

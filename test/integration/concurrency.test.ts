import { UserErrorView } from '../helpers/customer-api';
import { describeDb, startTestServer, TestServer } from '../helpers/test-server';

interface UpdatePayload {
  updateCustomer: { customer: { id: string; version: number; givenName: string } | null; userErrors: UserErrorView[] };
}

const RACERS = 20;

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

  it('applies every one of 20 racing updates without expectedVersion, one version each', async () => {
    const created = await t.graphql<{ createCustomer: { customer: { id: string } } }>(
      'mutation { createCustomer(input: { givenName: "Start", familyName: "Unversioned" }) { customer { id } } }',
    );
    const { id } = created.data!.createCustomer.customer;
    const responses = await Promise.all(
      Array.from({ length: RACERS }, (_, index) =>
        t.graphql<UpdatePayload>(
          'mutation ($input: UpdateCustomerInput!) { updateCustomer(input: $input) { customer { id version givenName } userErrors { field code } } }',
          { input: { id, metadata: { [`k${index}`]: index } } },
        ),
      ),
    );
    const errors = responses.flatMap((response) => [...(response.errors ?? []), ...(response.data?.updateCustomer.userErrors ?? [])]);
    // Each update retries a few times when it loses the race; under this much contention some may still give up with VERSION_CONFLICT.
    expect(errors.every((error) => 'code' in error && error.code === 'VERSION_CONFLICT')).toBe(true);
    const applied = responses.filter((response) => response.data?.updateCustomer.userErrors.length === 0).length;
    const [row] = await t.sql<{ version: number | string; metadata: unknown }>('SELECT version, metadata FROM customers WHERE id = ?', [
      id,
    ]);
    expect(Number(row!.version)).toBe(1 + applied);
    const metadata = (typeof row!.metadata === 'string' ? JSON.parse(row!.metadata) : row!.metadata) as Record<string, number>;
    expect(Object.keys(metadata)).toHaveLength(applied);
    const [updates] = await t.sql<{ n: number | string }>(
      "SELECT COUNT(*) AS n FROM customer_activities WHERE customer_id = ? AND type = 'customer.updated'",
      [id],
    );
    expect(Number(updates!.n)).toBe(applied);
  });
});

import { followCustomerPurges, startOrdersSubgraph } from '../fixtures/orders-subgraph';
import { dataOf, gql } from '../helpers/customer-api';
import { describeNats, markNatsRun, PrivateNats, readStream, StreamMessage, TEST_NATS_URL } from '../helpers/nats';
import { bearer, hs256Token, TEST_JWT_SECRET } from '../helpers/tokens';
import { describeDb, dialect, startTestServer, TestServer } from '../helpers/test-server';

jest.setTimeout(180_000);

const STREAM = 'CUSTOMERS';
const CREATE = 'mutation ($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } userErrors { code } } }';
const UPDATE = 'mutation ($input: UpdateCustomerInput!) { updateCustomer(input: $input) { customer { version } userErrors { code } } }';
const PURGE = 'mutation ($id: ID!) { purgeCustomer(id: $id) { deletedCustomerId } }';
const FEED = `query ($after: String) { customerEvents(first: 1000, after: $after) {
  nodes { id type customerId sequence } pageInfo { hasNextPage endCursor } } }`;

interface FeedEvent {
  id: string;
  type: string;
  customerId: string;
  sequence: number;
}

let brandSequence = 0;

/** A brand of its own for each test, so the shared stream's other messages are filtered out. */
async function newBrand(): Promise<{ brand: string; headers: Record<string, string> }> {
  brandSequence += 1;
  const brand = `nats-${dialect}-${process.pid}-${Date.now()}-${brandSequence}`;
  return { brand, headers: bearer(await hs256Token({ claims: { brand } })) };
}

async function createCustomer(t: TestServer, headers: Record<string, string>, givenName: string): Promise<string> {
  const payload = await gql<{ createCustomer: { customer: { id: string } } }>(t, CREATE, { input: { givenName } }, headers);
  return payload.createCustomer.customer.id;
}

async function feed(t: TestServer, headers: Record<string, string>): Promise<FeedEvent[]> {
  const events: FeedEvent[] = [];
  let after: string | null = null;
  for (;;) {
    const page: { customerEvents: { nodes: FeedEvent[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } = await gql(
      t,
      FEED,
      { after },
      headers,
    );
    events.push(...page.customerEvents.nodes);
    if (!page.customerEvents.pageInfo.hasNextPage) return events;
    after = page.customerEvents.pageInfo.endCursor;
  }
}

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The first arrival of each event id, in stream order. */
function firstArrivals(messages: StreamMessage[]): StreamMessage[] {
  const seen = new Set<string>();
  return messages.filter((message) => {
    const id = String(message.body.id);
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

function expectInSequenceOrder(messages: StreamMessage[]): void {
  const last = new Map<string, number>();
  for (const message of messages) {
    const customerId = String(message.body.customerId);
    const sequence = Number(message.body.sequence);
    expect(sequence).toBe((last.get(customerId) ?? 0) + 1);
    last.set(customerId, sequence);
  }
}

describeNats('change events on NATS JetStream', () => {
  beforeAll(() => markNatsRun());

  describeDb('with the machine NATS', () => {
    let t: TestServer;

    beforeAll(async () => {
      t = await startTestServer({ AUTH_JWT_SECRET: TEST_JWT_SECRET, EVENTS_NATS_URL: TEST_NATS_URL });
    });

    afterAll(async () => {
      await t?.close();
    });

    it('publishes every event on customers.<brand>.<type> with Nats-Msg-Id = event id and the event plus brand as body', async () => {
      const { brand, headers } = await newBrand();
      const id = await createCustomer(t, headers, 'Nats');
      await t.graphql(UPDATE, { input: { id, familyName: 'Stream' } }, headers);
      await t.graphql('mutation ($id: ID!) { addCustomerFlag(customerId: $id, flag: "vip") { userErrors { code } } }', { id }, headers);
      const messages = await readStream(TEST_NATS_URL, STREAM, `customers.${brand}.>`, 3);
      const events = await feed(t, headers);
      expect(messages.map((message) => message.subject)).toEqual([
        `customers.${brand}.created`,
        `customers.${brand}.updated`,
        `customers.${brand}.flag_added`,
      ]);
      expect(messages.map((message) => message.msgId)).toEqual(events.map((event) => event.id));
      expect(messages[1]!.body).toEqual({
        id: events[1]!.id,
        type: 'UPDATED',
        customerId: id,
        sequence: 2,
        occurredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        changedFields: ['familyName'],
        data: {},
        brand,
      });
      await until('the backlog metric is 0', async () => {
        const metrics = await (await fetch(new URL('/metrics', t.server.url))).text();
        return /^customer_events_backlog 0$/m.test(metrics) && /^customer_events_published_total [1-9]/m.test(metrics);
      });
    });

    it('lets the example orders subgraph erase its copy of a customer when the customer is purged', async () => {
      const { brand, headers } = await newBrand();
      const orders = await startOrdersSubgraph();
      const stopFollowing = await followCustomerPurges(orders, { url: TEST_NATS_URL, stream: STREAM, brand });
      try {
        const kept = await createCustomer(t, headers, 'Kept');
        const erased = await createCustomer(t, headers, 'Erased');
        orders.customerCopies.set(kept, 'Kept');
        orders.customerCopies.set(erased, 'Erased');
        expect((await gql<{ purgeCustomer: { deletedCustomerId: string } }>(t, PURGE, { id: erased }, headers)).purgeCustomer).toEqual({
          deletedCustomerId: erased,
        });
        await until('the orders subgraph dropped its copy', () => !orders.customerCopies.has(erased));
        expect([...orders.customerCopies.keys()]).toEqual([kept]);
      } finally {
        await stopFollowing();
        await orders.stop();
      }
    });
  });

  describeDb('with a NATS of its own', () => {
    let nats: PrivateNats;

    beforeAll(async () => {
      nats = await PrivateNats.start();
    });

    afterAll(async () => {
      await nats?.stop();
    });

    it('loses nothing and keeps each customer in order when NATS is killed under write load and restarted', async () => {
      const t = await startTestServer({ AUTH_JWT_SECRET: TEST_JWT_SECRET, EVENTS_NATS_URL: nats.url });
      try {
        const { brand, headers } = await newBrand();
        const ids = await Promise.all(['Alpha', 'Beta', 'Gamma'].map((name) => createCustomer(t, headers, name)));
        const writes = (async () => {
          for (let round = 0; round < 40; round += 1) {
            await Promise.all(ids.map((id) => t.graphql(UPDATE, { input: { id, metadata: { round } } }, headers)));
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
        })();
        await new Promise((resolve) => setTimeout(resolve, 300));
        await nats.kill();
        await until('events wait in the database', async () => {
          const metrics = await (await fetch(new URL('/metrics', t.server.url))).text();
          return /^customer_events_backlog [1-9]/m.test(metrics);
        });
        await new Promise((resolve) => setTimeout(resolve, 500));
        await nats.restart();
        await writes;
        const events = await feed(t, headers);
        expect(events).toHaveLength(3 + 3 * 40);
        const messages = await readStream(nats.url, STREAM, `customers.${brand}.>`, events.length, 60_000);
        const arrivals = firstArrivals(messages);
        expect(new Set(arrivals.map((message) => message.body.id))).toEqual(new Set(events.map((event) => event.id)));
        expectInSequenceOrder(arrivals);
      } finally {
        await t.close();
      }
    });

    (dialect === 'mysql' ? it : it.skip)('publishes each event once with two servers (replicas) on one database', async () => {
      const first = await startTestServer({ AUTH_JWT_SECRET: TEST_JWT_SECRET, EVENTS_NATS_URL: nats.url });
      const second = await startTestServer(
        { AUTH_JWT_SECRET: TEST_JWT_SECRET, EVENTS_NATS_URL: nats.url },
        { databaseUrl: first.databaseUrl },
      );
      try {
        const { brand, headers } = await newBrand();
        const ids = await Promise.all([first, second].map((t, index) => createCustomer(t, headers, `Replica${'ab'[index]}`)));
        let applied = 0;
        await Promise.all(
          [first, second].flatMap((t, server) =>
            ids.map(async (id) => {
              for (let round = 0; round < 10; round += 1) {
                const response = await t.graphql<{ updateCustomer: { userErrors: unknown[] } }>(
                  UPDATE,
                  { input: { id, metadata: { round, server } } },
                  headers,
                );
                if (dataOf(response).updateCustomer.userErrors.length === 0) applied += 1;
              }
            }),
          ),
        );
        const events = await feed(first, headers);
        expect(events).toHaveLength(2 + applied);
        const messages = await readStream(nats.url, STREAM, `customers.${brand}.>`, events.length, 60_000);
        // Wait a moment longer for any repeat that would follow.
        const again = await readStream(nats.url, STREAM, `customers.${brand}.>`, events.length + 1, 2_000);
        expect(again).toHaveLength(messages.length);
        expect(messages.map((message) => message.body.id).sort()).toEqual(events.map((event) => event.id).sort());
        expectInSequenceOrder(messages);
      } finally {
        await second.close();
        await first.close();
      }
    });
  });
});

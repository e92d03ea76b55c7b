import { createValidCustomer, deleteCustomer, gql, updateCustomer, upsertCustomer, upsertCustomers } from '../helpers/customer-api';
import { addChannel, addFlag, recordActivity, removeChannel, removeFlag } from '../helpers/nested-api';
import { bearer, hs256Token, TEST_JWT_SECRET } from '../helpers/tokens';
import { describeDb, startTestServer, TestServer } from '../helpers/test-server';

jest.setTimeout(120_000);

interface EventView {
  id: string;
  type: string;
  customerId: string;
  sequence: number;
  occurredAt: string;
  changedFields: string[];
  data: Record<string, string>;
}

interface FeedView {
  customerEvents: {
    edges: Array<{ cursor: string; node: EventView }>;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

const FEED = /* GraphQL */ `
  query Feed($first: Int, $after: String, $filter: CustomerEventFilter) {
    customerEvents(first: $first, after: $after, filter: $filter) {
      edges {
        cursor
        node {
          id
          type
          customerId
          sequence
          occurredAt
          changedFields
          data
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

const PURGE = /* GraphQL */ `
  mutation Purge($id: ID!) {
    purgeCustomer(id: $id) {
      deletedCustomerId
      userErrors {
        code
      }
    }
  }
`;

async function feedPage(t: TestServer, variables: Record<string, unknown> = {}, headers?: Record<string, string>): Promise<FeedView> {
  return await gql<FeedView>(t, FEED, variables, headers);
}

/** Every event of the feed (filtered), paging with `after` as a consumer would. */
async function wholeFeed(t: TestServer, filter?: Record<string, unknown>, first = 1000): Promise<EventView[]> {
  const events: EventView[] = [];
  let after: string | null = null;
  for (let page = 0; page < 10_000; page += 1) {
    const { customerEvents }: FeedView = await feedPage(t, { first, after, filter });
    events.push(...customerEvents.edges.map((edge) => edge.node));
    if (!customerEvents.pageInfo.hasNextPage) return events;
    after = customerEvents.pageInfo.endCursor;
  }
  throw new Error('the feed did not end');
}

const summary = (events: EventView[]) => events.map(({ type, sequence, changedFields, data }) => ({ type, sequence, changedFields, data }));

describeDb('Query.customerEvents (change feed)', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer();
  });

  afterAll(async () => {
    await t?.close();
  });

  it('records every kind of change as an event with its per-customer sequence, ids only in data', async () => {
    const customer = await createValidCustomer(t, {
      givenName: 'Ada',
      familyName: 'Feed',
      emailAddress: 'ada@example.com',
      externalId: 'feed-1',
    });
    await updateCustomer(t, { id: customer.id, emailAddress: 'ada@example.org', familyName: 'Feedback' });
    await addFlag(t, customer.id, 'vip');
    await removeFlag(t, customer.id, 'vip');
    const { channel } = await addChannel(t, customer.id, { type: 'TWITTER', value: '@ada_feed' });
    await removeChannel(t, customer.id, channel!.id);
    const { activity } = await recordActivity(t, { customerId: customer.id, type: 'order.placed', message: 'Ordered by Ada' });
    await deleteCustomer(t, customer.id);
    await upsertCustomer(t, { externalId: 'feed-1', givenName: 'Adah' });

    const events = await wholeFeed(t, { customerId: customer.id });
    expect(summary(events)).toEqual([
      { type: 'CREATED', sequence: 1, changedFields: [], data: {} },
      { type: 'UPDATED', sequence: 2, changedFields: ['familyName', 'emailAddress'], data: {} },
      { type: 'FLAG_ADDED', sequence: 3, changedFields: [], data: { flag: 'vip' } },
      { type: 'FLAG_REMOVED', sequence: 4, changedFields: [], data: { flag: 'vip' } },
      { type: 'CHANNEL_ADDED', sequence: 5, changedFields: [], data: { channelId: channel!.id } },
      { type: 'CHANNEL_REMOVED', sequence: 6, changedFields: [], data: { channelId: channel!.id } },
      { type: 'ACTIVITY_RECORDED', sequence: 7, changedFields: [], data: { activityId: activity!.id } },
      { type: 'DELETED', sequence: 8, changedFields: [], data: {} },
      { type: 'RESTORED', sequence: 9, changedFields: [], data: {} },
      { type: 'UPDATED', sequence: 10, changedFields: ['givenName'], data: {} },
    ]);
    for (const event of events) {
      expect(event.id).toMatch(/^evt_[0-9A-HJKMNP-TV-Z]{26}$/);
      expect(event.customerId).toBe(customer.id);
    }
    const stored = JSON.stringify(await t.sql('SELECT * FROM customer_events WHERE customer_id = ?', [customer.id]));
    for (const personal of ['Ada', 'ada@example', 'Feedback', '@ada_feed', 'Ordered by', 'order.placed', 'feed-1']) {
      expect(stored).not.toContain(personal);
    }
  });

  it('writes no event for an idempotent no-op or a refused change', async () => {
    const customer = await createValidCustomer(t, { givenName: 'Noop' });
    await addFlag(t, customer.id, 'vip');
    await addFlag(t, customer.id, 'vip');
    await removeFlag(t, customer.id, 'newsletter');
    await updateCustomer(t, { id: customer.id, givenName: 'Noop' });
    expect((await updateCustomer(t, { id: customer.id, emailAddress: 'not an address' })).userErrors).not.toEqual([]);
    expect((await updateCustomer(t, { id: customer.id, givenName: 'Late', expectedVersion: 1 })).userErrors[0]?.code).toBe(
      'VERSION_CONFLICT',
    );
    const events = await wholeFeed(t, { customerId: customer.id });
    expect(events.map((event) => event.type)).toEqual(['CREATED', 'FLAG_ADDED']);
  });

  it('pages forward with after, filters by type and time, and a cursor fits only its filter', async () => {
    const customers = await upsertCustomers(
      t,
      Array.from({ length: 30 }, (_, index) => ({ externalId: `page-${index}`, givenName: 'Pager' })),
    );
    const ids = new Set(customers.results.map((result) => result.customer!.id));
    const created = (await wholeFeed(t, { types: ['CREATED'] }, 7)).filter((event) => ids.has(event.customerId));
    expect(created).toHaveLength(30);
    expect(new Set(created.map((event) => event.id)).size).toBe(30);
    const first = await feedPage(t, { first: 2, filter: { types: ['CREATED'] } });
    const misfit = await t.graphql(FEED, { first: 2, after: first.customerEvents.pageInfo.endCursor, filter: { types: ['UPDATED'] } });
    expect(misfit.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const future = await feedPage(t, { filter: { occurredAfter: new Date(Date.now() + 60_000).toISOString() } });
    expect(future.customerEvents.edges).toEqual([]);
    const forged = await t.graphql(FEED, { after: 'AAAA' });
    expect(forged.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    for (const first of [0, -1]) expect((await t.graphql(FEED, { first })).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('purge deletes the earlier events and records one PURGED event with the id only', async () => {
    const customer = await createValidCustomer(t, { givenName: 'Gone', externalId: 'purge-feed' });
    await addFlag(t, customer.id, 'vip');
    // A consumer has seen events 1 and 2, so the purge is 3 to it.
    expect(await wholeFeed(t, { customerId: customer.id })).toHaveLength(2);
    expect(
      (await gql<{ purgeCustomer: { deletedCustomerId: string } }>(t, PURGE, { id: customer.id })).purgeCustomer.deletedCustomerId,
    ).toBe(customer.id);
    const events = await wholeFeed(t, { customerId: customer.id });
    expect(summary(events)).toEqual([{ type: 'PURGED', sequence: 3, changedFields: [], data: {} }]);
    const rows = await t.sql<{ type: string }>('SELECT type FROM customer_events WHERE customer_id = ?', [customer.id]);
    expect(rows.map((row) => row.type)).toEqual(['PURGED']);
  });

  it('removes events older than EVENTS_RETENTION_DAYS, and only those', async () => {
    const old = await createValidCustomer(t, { givenName: 'Old' });
    const recent = await createValidCustomer(t, { givenName: 'Recent' });
    await wholeFeed(t, { customerId: old.id });
    const longAgo = new Date(Date.now() - 31 * 24 * 60 * 60 * 1000).toISOString().replace('T', ' ').replace('Z', '');
    await t.sql('UPDATE customer_events SET occurred_at = ? WHERE customer_id = ?', [longAgo, old.id]);
    expect(await t.server.changeFeed.deleteExpired()).toBeGreaterThanOrEqual(1);
    expect(await wholeFeed(t, { customerId: old.id })).toEqual([]);
    expect((await wholeFeed(t, { customerId: recent.id })).map((event) => event.type)).toEqual(['CREATED']);
  });

  it('a consumer paging with after sees every event exactly once, in sequence order per customer, while 4 writers commit', async () => {
    const customers = await Promise.all(
      Array.from({ length: 4 }, (_, index) => createValidCustomer(t, { givenName: `Writer${'abcd'[index]}` })),
    );
    const start = await feedPage(t, { first: 1000 });
    let after = start.customerEvents.edges.at(-1)?.cursor ?? null;
    const seen: EventView[] = [];
    let writing = true;
    const writers = customers.map(async (customer, index) => {
      for (let round = 0; round < 25; round += 1) {
        if (round % 2 === 0) await updateCustomer(t, { id: customer.id, metadata: { round, writer: index } });
        else await recordActivity(t, { customerId: customer.id, type: 'tick' });
      }
    });
    const reader = (async () => {
      for (let reads = 0; reads < 100_000; reads += 1) {
        const stillWriting = writing;
        const page = await feedPage(t, { first: 7, after });
        seen.push(...page.customerEvents.edges.map((edge) => edge.node));
        after = page.customerEvents.pageInfo.endCursor ?? after;
        if (!stillWriting && !page.customerEvents.pageInfo.hasNextPage) return;
      }
    })();
    await Promise.all(writers);
    writing = false;
    await reader;
    const mine = seen.filter((event) => customers.some((customer) => customer.id === event.customerId));
    expect(mine).toHaveLength(4 * 25);
    expect(new Set(mine.map((event) => event.id)).size).toBe(mine.length);
    for (const customer of customers) {
      const sequences = mine.filter((event) => event.customerId === customer.id).map((event) => event.sequence);
      expect(sequences).toEqual(Array.from({ length: 25 }, (_, index) => index + 2));
    }
  });
});

describeDb('Query.customerEvents: brands and scopes', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer({ AUTH_JWT_SECRET: TEST_JWT_SECRET });
  });

  afterAll(async () => {
    await t?.close();
  });

  it('shows a brand only its own events, and needs customer:read', async () => {
    const writerA = bearer(await hs256Token({ claims: { brand: 'feed-a', scope: 'customer:read customer:write' } }));
    const readerB = bearer(await hs256Token({ claims: { brand: 'feed-b', scope: 'customer:read' } }));
    const writeOnlyA = bearer(await hs256Token({ claims: { brand: 'feed-a', scope: 'customer:write' } }));
    const created = (
      await gql<{ createCustomer: { customer: { id: string } } }>(
        t,
        'mutation { createCustomer(input: { givenName: "Brand" }) { customer { id } } }',
        {},
        writerA,
      )
    ).createCustomer.customer;
    const ofA = await feedPage(t, {}, writerA);
    expect(ofA.customerEvents.edges.map((edge) => edge.node.customerId)).toEqual([created.id]);
    const ofB = await feedPage(t, {}, readerB);
    expect(ofB.customerEvents.edges).toEqual([]);
    const byIdFromB = await feedPage(t, { filter: { customerId: created.id } }, readerB);
    expect(byIdFromB.customerEvents.edges).toEqual([]);
    const forbidden = await t.graphql(FEED, {}, writeOnlyA);
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const anonymous = await t.graphql(FEED, {});
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

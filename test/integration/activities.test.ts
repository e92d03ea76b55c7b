import { useServerWithCustomer } from '../helpers/fixtures';
import { ABSENT_CUSTOMER_ID } from '../helpers/ids';
import {
  createValidCustomer,
  CustomerView,
  deleteCustomer,
  gql,
  uniqueLetters,
  updateCustomer,
  upsertCustomer,
} from '../helpers/customer-api';
import {
  ACTIVITY_FIELDS,
  ActivityView,
  addFlag,
  ConnectionView,
  countChildRows,
  recordActivity,
  storedActivities,
  versionOf,
} from '../helpers/nested-api';
import { describeDb, TestServer } from '../helpers/test-server';

// Jest reads testTimeout from the root config only, not per project: without this, a busy machine hits the 5 s default while MariaDB creates and migrates the test database.
jest.setTimeout(60_000);

const ACTIVITIES_PAGE = /* GraphQL */ `
  query ($id: ID!, $first: Int, $after: String, $last: Int, $before: String, $filter: CustomerActivityFilter) {
    customer(id: $id) {
      activities(first: $first, after: $after, last: $last, before: $before, filter: $filter) {
        totalCount
        edges { cursor node { ${ACTIVITY_FIELDS} } }
        nodes { ${ACTIVITY_FIELDS} }
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      }
    }
  }
`;

interface PageVariables {
  first?: number;
  after?: string | null;
  last?: number;
  before?: string | null;
  filter?: Record<string, unknown>;
}

async function activityPage(t: TestServer, id: string, variables: PageVariables = {}): Promise<ConnectionView<ActivityView>> {
  return (await gql<{ customer: { activities: ConnectionView<ActivityView> } }>(t, ACTIVITIES_PAGE, { id, ...variables })).customer
    .activities;
}

async function typesOf(t: TestServer, id: string, filter?: Record<string, unknown>): Promise<string[]> {
  return (await activityPage(t, id, { first: 100, filter })).nodes.map((node) => node.type);
}

/** Records external activities at the given instants (in that order) and returns them. */
async function recordAt(t: TestServer, customerId: string, instants: string[], type = 'order.placed'): Promise<ActivityView[]> {
  const activities: ActivityView[] = [];
  for (const occurredAt of instants) {
    const payload = await recordActivity(t, { customerId, type, occurredAt });
    expect(payload.userErrors).toEqual([]);
    activities.push(payload.activity!);
  }
  return activities;
}

/** Newest first, ties broken by id descending: the order Customer.activities promises. */
function newestFirst(activities: ActivityView[]): string[] {
  return [...activities]
    .sort((a, b) => Date.parse(b.occurredAt) - Date.parse(a.occurredAt) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
    .map((activity) => activity.id);
}

describeDb('customer activities', () => {
  const fixture = useServerWithCustomer('Act');
  let t: TestServer;
  let customer: CustomerView;
  beforeEach(() => {
    ({ t, customer } = fixture.current());
  });

  describe('system activities', () => {
    it('records customer.created on create, at the creation instant, with empty data', async () => {
      const [created] = (await activityPage(t, customer.id)).nodes;
      expect(created).toEqual({
        id: expect.stringMatching(/^act_/),
        type: 'customer.created',
        origin: 'SYSTEM',
        message: null,
        initiatedBy: null,
        sourceUrl: null,
        data: {},
        occurredAt: customer.createdAt,
      });
    });

    it('records customer.created when an upsert creates, and customer.updated when it changes', async () => {
      const externalId = `act-${uniqueLetters()}`;
      const created = await upsertCustomer(t, { externalId, givenName: 'Up' });
      expect(created.created).toBe(true);
      expect(await typesOf(t, created.customer!.id)).toEqual(['customer.created']);
      await upsertCustomer(t, { externalId, givenName: 'Upper' });
      await upsertCustomer(t, { externalId, givenName: 'Upper' });
      expect(await typesOf(t, created.customer!.id)).toEqual(['customer.updated', 'customer.created']);
    });

    it('records customer.updated with exactly the changed fields', async () => {
      const payload = await updateCustomer(t, {
        id: customer.id,
        givenName: 'Act',
        emailAddress: 'act@example.com',
        metadata: { tier: 'gold' },
      });
      expect(payload.userErrors).toEqual([]);
      const [updated] = (await activityPage(t, customer.id, { first: 1 })).nodes;
      expect(updated).toMatchObject({ type: 'customer.updated', origin: 'SYSTEM', data: { changedFields: ['emailAddress', 'metadata'] } });
      expect(updated!.occurredAt).toBe(payload.customer!.updatedAt);
    });

    it('records no activity for an update that changes nothing', async () => {
      await updateCustomer(t, { id: customer.id, givenName: 'Act' });
      expect(await typesOf(t, customer.id)).toEqual(['customer.created']);
    });

    it('writes no activity when an update fails', async () => {
      const conflict = await updateCustomer(t, { id: customer.id, expectedVersion: 7, givenName: 'Changed' });
      expect(conflict.userErrors.map((error) => error.code)).toEqual(['VERSION_CONFLICT']);
      const invalid = await updateCustomer(t, { id: customer.id, givenName: 'Changed', emailAddress: 'nope' });
      expect(invalid.userErrors.map((error) => error.code)).toEqual(['INVALID']);
      expect(await countChildRows(t, 'customer_activities', customer.id)).toBe(1);
    });

    it('writes no activity when a write fails inside the transaction', async () => {
      const holder = await createValidCustomer(t, { givenName: 'Holder', externalId: `held-${uniqueLetters()}` });
      const taken = await updateCustomer(t, { id: customer.id, givenName: 'Changed', externalId: holder.externalId });
      expect(taken.userErrors.map((error) => error.code)).toEqual(['TAKEN']);
      expect(await countChildRows(t, 'customer_activities', customer.id)).toBe(1);
      expect((await versionOf(t, customer.id)).version).toBe(1);
    });

    it('records customer.deleted on deleteCustomer', async () => {
      expect((await deleteCustomer(t, customer.id)).userErrors).toEqual([]);
      const rows = await storedActivities(t, customer.id);
      expect(rows.map((row) => [row.type, row.origin])).toEqual([
        ['customer.created', 'SYSTEM'],
        ['customer.deleted', 'SYSTEM'],
      ]);
    });
  });

  describe('Mutation.recordCustomerActivity', () => {
    it('records an EXTERNAL activity with every field, without changing the version', async () => {
      const payload = await recordActivity(t, {
        customerId: customer.id,
        type: 'order.placed',
        message: 'Order 42 placed',
        initiatedBy: 'shop',
        sourceUrl: 'https://shop.example.com/orders/42',
        occurredAt: '2024-03-01T10:20:30.456Z',
        data: { orderId: 42, lines: [1, 2] },
      });
      expect(payload).toEqual({
        activity: {
          id: expect.stringMatching(/^act_/),
          type: 'order.placed',
          origin: 'EXTERNAL',
          message: 'Order 42 placed',
          initiatedBy: 'shop',
          sourceUrl: 'https://shop.example.com/orders/42',
          data: { orderId: 42, lines: [1, 2] },
          occurredAt: '2024-03-01T10:20:30.456Z',
        },
        userErrors: [],
      });
      expect(await versionOf(t, customer.id)).toEqual({ version: 1, updatedAt: customer.updatedAt });
      const listed = (await activityPage(t, customer.id)).nodes;
      expect(listed.map((activity) => activity.type)).toEqual(['customer.created', 'order.placed']);
      expect(listed[1]).toEqual(payload.activity);
    });

    it('defaults occurredAt to now and data to {}', async () => {
      const before = Date.now();
      const payload = await recordActivity(t, { customerId: customer.id, type: 'ticket.opened' });
      const after = Date.now();
      expect(payload.activity).toMatchObject({ type: 'ticket.opened', origin: 'EXTERNAL', data: {}, message: null, sourceUrl: null });
      const occurredAt = Date.parse(payload.activity!.occurredAt);
      expect(occurredAt).toBeGreaterThanOrEqual(before);
      expect(occurredAt).toBeLessThanOrEqual(after);
    });

    it.each([
      ['a blank type', { type: '  ' }, 'type', 'BLANK'],
      ['a type of 65 characters', { type: 'x'.repeat(65) }, 'type', 'TOO_LONG'],
      ['a reserved customer.* type', { type: 'customer.updated' }, 'type', 'INVALID'],
      ['an ftp sourceUrl', { sourceUrl: 'ftp://example.com/x' }, 'sourceUrl', 'INVALID'],
      ['a sourceUrl that is no URL', { sourceUrl: 'example.com/x' }, 'sourceUrl', 'INVALID'],
      ['a javascript: sourceUrl', { sourceUrl: 'javascript:alert(1)' }, 'sourceUrl', 'INVALID'],
      ['a message of 2001 characters', { message: 'm'.repeat(2001) }, 'message', 'TOO_LONG'],
    ])('refuses %s at ["input", field] and writes nothing', async (_label, input, field, code) => {
      const payload = await recordActivity(t, { customerId: customer.id, type: 'order.placed', ...input });
      expect(payload).toEqual({ activity: null, userErrors: [{ field: ['input', field], code, message: expect.any(String) }] });
      expect(await countChildRows(t, 'customer_activities', customer.id)).toBe(1);
    });

    it('accepts a type of 64 characters, a message of 2000 and an http sourceUrl', async () => {
      const payload = await recordActivity(t, {
        customerId: customer.id,
        type: 't'.repeat(64),
        message: 'm'.repeat(2000),
        sourceUrl: 'http://example.com',
      });
      expect(payload.userErrors).toEqual([]);
      expect(payload.activity!.message).toHaveLength(2000);
    });

    it('refuses an unknown customer with NOT_FOUND at ["input","customerId"]', async () => {
      const payload = await recordActivity(t, { customerId: ABSENT_CUSTOMER_ID, type: 'order.placed' });
      expect(payload).toEqual({
        activity: null,
        userErrors: [{ field: ['input', 'customerId'], code: 'NOT_FOUND', message: expect.any(String) }],
      });
      expect(await countChildRows(t, 'customer_activities', ABSENT_CUSTOMER_ID)).toBe(0);
    });
  });

  describe('Customer.activities', () => {
    /** Seven activities newest first, with two ties on occurredAt, plus customer.created. */
    async function seedTimeline(): Promise<string[]> {
      const recorded = await recordAt(t, customer.id, [
        '2024-01-03T00:00:00.000Z',
        '2024-01-01T00:00:00.000Z',
        '2024-01-02T00:00:00.000Z',
        '2024-01-02T00:00:00.000Z',
        '2024-01-05T00:00:00.000Z',
        '2024-01-02T00:00:00.000Z',
        '2024-01-04T00:00:00.000Z',
      ]);
      const created = (await activityPage(t, customer.id, { filter: { origin: 'SYSTEM' } })).nodes;
      return [...created.map((activity) => activity.id), ...newestFirst(recorded)];
    }

    it('lists newest first, ties broken by id descending', async () => {
      const expected = await seedTimeline();
      const page = await activityPage(t, customer.id);
      expect(page.nodes.map((activity) => activity.id)).toEqual(expected);
      expect(page.edges.map((edge) => edge.node)).toEqual(page.nodes);
      expect(page.totalCount).toBe(8);
      expect(page.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: false });
    });

    it('pages forward with first/after through every activity exactly once', async () => {
      const expected = await seedTimeline();
      const seen: string[] = [];
      const flags: Array<[boolean, boolean]> = [];
      let after: string | null = null;
      for (let i = 0; i < 10; i += 1) {
        const page: ConnectionView<ActivityView> = await activityPage(t, customer.id, { first: 3, after });
        seen.push(...page.edges.map((edge) => edge.node.id));
        flags.push([page.pageInfo.hasNextPage, page.pageInfo.hasPreviousPage]);
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor;
      }
      expect(seen).toEqual(expected);
      expect(flags).toEqual([
        [true, false],
        [true, true],
        [false, true],
      ]);
    });

    it('pages backward with last/before through every activity exactly once, edges in the same order', async () => {
      const expected = await seedTimeline();
      const pages: string[][] = [];
      const flags: Array<[boolean, boolean]> = [];
      let before: string | null = null;
      for (let i = 0; i < 10; i += 1) {
        const page: ConnectionView<ActivityView> = await activityPage(t, customer.id, { last: 3, before });
        pages.unshift(page.edges.map((edge) => edge.node.id));
        flags.push([page.pageInfo.hasNextPage, page.pageInfo.hasPreviousPage]);
        if (!page.pageInfo.hasPreviousPage) break;
        before = page.pageInfo.startCursor;
      }
      expect(pages.flat()).toEqual(expected);
      expect(pages.map((ids) => ids.length)).toEqual([2, 3, 3]);
      expect(flags).toEqual([
        [false, true],
        [true, true],
        [true, false],
      ]);
    });

    it("refuses a cursor issued for another customer's activities with BAD_USER_INPUT", async () => {
      await seedTimeline();
      const other = await createValidCustomer(t, { givenName: 'Other', familyName: uniqueLetters() });
      await recordAt(t, other.id, ['2024-01-01T00:00:00.000Z']);
      const cursor = (await activityPage(t, customer.id, { first: 2 })).pageInfo.endCursor;
      for (const variables of [
        { first: 2, after: cursor },
        { last: 2, before: cursor },
      ]) {
        const response = await t.graphql(ACTIVITIES_PAGE, { id: other.id, ...variables });
        expect(response.errors?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
      }
    });

    it('refuses a cursor issued under another filter with BAD_USER_INPUT', async () => {
      await seedTimeline();
      const cursor = (await activityPage(t, customer.id, { first: 2 })).pageInfo.endCursor;
      const response = await t.graphql(ACTIVITIES_PAGE, { id: customer.id, first: 2, after: cursor, filter: { origin: 'EXTERNAL' } });
      expect(response.errors?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    });

    it('refuses first and last together, and first: 0, with BAD_USER_INPUT', async () => {
      for (const variables of [{ first: 1, last: 1 }, { first: 0 }, { last: -1 }]) {
        const response = await t.graphql(ACTIVITIES_PAGE, { id: customer.id, ...variables });
        expect(response.errors?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
      }
    });

    it('filters by types, origin and a strict time window; totalCount honours the filter', async () => {
      await recordAt(t, customer.id, ['2024-01-01T00:00:00.000Z', '2024-01-02T00:00:00.000Z', '2024-01-03T00:00:00.000Z'], 'order.placed');
      await recordAt(t, customer.id, ['2024-01-02T00:00:00.000Z'], 'ticket.opened');
      await addFlag(t, customer.id, 'vip');

      const count = async (filter: Record<string, unknown>) => (await activityPage(t, customer.id, { first: 1, filter })).totalCount;
      expect(await typesOf(t, customer.id, { types: ['ticket.opened', 'customer.flag_added'] })).toEqual([
        'customer.flag_added',
        'ticket.opened',
      ]);
      expect(await count({ types: ['order.placed'] })).toBe(3);
      expect(await count({ types: [] })).toBe(0);
      expect(await typesOf(t, customer.id, { origin: 'SYSTEM' })).toEqual(['customer.flag_added', 'customer.created']);
      expect(await count({ origin: 'EXTERNAL' })).toBe(4);
      const window = { occurredAfter: '2024-01-01T00:00:00.000Z', occurredBefore: '2024-01-03T00:00:00.000Z' };
      expect(await typesOf(t, customer.id, window)).toEqual(['ticket.opened', 'order.placed']);
      expect(await count(window)).toBe(2);
      expect(await count({ ...window, types: ['order.placed'], origin: 'EXTERNAL' })).toBe(1);
      expect((await activityPage(t, customer.id)).totalCount).toBe(6);
    });

    it('keeps millisecond precision in the time window', async () => {
      await recordAt(t, customer.id, ['2024-01-01T00:00:00.001Z', '2024-01-01T00:00:00.002Z', '2024-01-01T00:00:00.003Z']);
      const occurred = async (filter: Record<string, unknown>) =>
        (await activityPage(t, customer.id, { first: 10, filter })).nodes.map((node) => node.occurredAt);
      expect(await occurred({ occurredAfter: '2024-01-01T00:00:00.001Z', occurredBefore: '2024-01-01T00:00:00.003Z' })).toEqual([
        '2024-01-01T00:00:00.002Z',
      ]);
    });

    it('pages a filtered timeline forward and backward', async () => {
      const recorded = await recordAt(
        t,
        customer.id,
        ['2024-02-01T00:00:00.000Z', '2024-02-02T00:00:00.000Z', '2024-02-02T00:00:00.000Z', '2024-02-03T00:00:00.000Z'],
        'order.placed',
      );
      await recordAt(t, customer.id, ['2024-02-02T00:00:00.000Z'], 'ticket.opened');
      const filter = { types: ['order.placed'] };
      const first = await activityPage(t, customer.id, { first: 2, filter });
      const second = await activityPage(t, customer.id, { first: 2, after: first.pageInfo.endCursor, filter });
      expect([...first.nodes, ...second.nodes].map((node) => node.id)).toEqual(newestFirst(recorded));
      expect(second.pageInfo.hasNextPage).toBe(false);
      const back = await activityPage(t, customer.id, { last: 2, before: second.pageInfo.startCursor, filter });
      expect(back.nodes.map((node) => node.id)).toEqual(first.nodes.map((node) => node.id));
      expect(back.pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: true });
    });

    it('treats first and last above 100 as 100', async () => {
      const instants = Array.from({ length: 105 }, (_, i) => new Date(Date.UTC(2023, 0, 1, 0, 0, i)).toISOString());
      await Promise.all(instants.map((occurredAt) => recordActivity(t, { customerId: customer.id, type: 'page.viewed', occurredAt })));
      const sized = async (variables: PageVariables) =>
        (
          await gql<{ customer: { activities: Pick<ConnectionView<{ occurredAt: string }>, 'nodes' | 'pageInfo' | 'totalCount'> } }>(
            t,
            `query($id: ID!, $first: Int, $last: Int) {
              customer(id: $id) { activities(first: $first, last: $last) { totalCount nodes { occurredAt } pageInfo { hasNextPage hasPreviousPage } } }
            }`,
            { id: customer.id, ...variables },
          )
        ).customer.activities;
      const page = await sized({ last: 500 });
      expect(page.nodes).toHaveLength(100);
      expect(page.totalCount).toBe(106);
      expect(page.pageInfo.hasPreviousPage).toBe(true);
      // The last 100 of the newest-first order: the 100 oldest activities, newest of them first.
      expect(page.nodes[0]!.occurredAt).toBe(instants[99]);
      expect(page.nodes[99]!.occurredAt).toBe(instants[0]);
      const forward = await sized({ first: 101 });
      expect(forward.nodes).toHaveLength(100);
      expect(forward.pageInfo.hasNextPage).toBe(true);
    });
  });
});

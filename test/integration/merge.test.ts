import {
  createValidCustomer,
  CUSTOMER_FIELDS,
  customerById,
  CustomerView,
  dataOf,
  deleteCustomer,
  uniqueLetters,
  UserErrorView,
  gql,
} from '../helpers/customer-api';
import { addChannel, addFlag, recordActivity } from '../helpers/nested-api';
import { ABSENT_CUSTOMER_ID } from '../helpers/ids';
import { describeDb, dialect, startTestServer, TestServer } from '../helpers/test-server';
import { bearer, hs256Token, TEST_JWT_SECRET } from '../helpers/tokens';

jest.setTimeout(120_000);

interface MergePayload {
  customer: CustomerView | null;
  mergedCustomerId: string | null;
  userErrors: UserErrorView[];
}

const MERGE = /* GraphQL */ `
  mutation Merge($input: MergeCustomersInput!) {
    mergeCustomers(input: $input) {
      customer {
        ...CustomerFields
      }
      mergedCustomerId
      userErrors {
        field
        message
        code
      }
    }
  }
  ${CUSTOMER_FIELDS}
`;

async function merge(t: TestServer, input: Record<string, unknown>, headers?: Record<string, string>): Promise<MergePayload> {
  return dataOf(await t.graphql<{ mergeCustomers: MergePayload }>(MERGE, { input }, headers)).mergeCustomers;
}

async function mergeOk(t: TestServer, survivorId: string, mergedId: string): Promise<CustomerView> {
  const payload = await merge(t, { survivorId, mergedId });
  expect(payload.userErrors).toEqual([]);
  expect(payload.mergedCustomerId).toBe(mergedId);
  return payload.customer!;
}

interface Details {
  id: string;
  version: number;
  channels: Array<{ id: string; type: string; value: string }>;
  flags: { nodes: Array<{ name: string }> };
  activities: { nodes: Array<{ type: string; data: Record<string, unknown> }> };
}

async function details(t: TestServer, id: string): Promise<Details | null> {
  const data = await gql<{ customer: Details | null }>(
    t,
    `query ($id: ID!) {
      customer(id: $id) { id version channels { id type value } flags(first: 100) { nodes { name } } activities(first: 100) { nodes { type data } } }
    }`,
    { id },
  );
  return data.customer;
}

async function listIds(t: TestServer, filter: Record<string, unknown>): Promise<string[]> {
  const data = await gql<{ customers: { nodes: Array<{ id: string }> } }>(
    t,
    'query ($filter: CustomerFilter) { customers(first: 100, filter: $filter) { nodes { id } } }',
    { filter },
  );
  return data.customers.nodes.map((node) => node.id);
}

async function entities(t: TestServer, ids: string[]): Promise<Array<{ id: string } | null>> {
  const data = await gql<{ _entities: Array<{ id: string } | null> }>(
    t,
    'query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Customer { id } } }',
    { representations: ids.map((id) => ({ __typename: 'Customer', id })) },
  );
  return data._entities;
}

interface EventView {
  type: string;
  customerId: string;
  sequence: number;
  data: Record<string, string>;
}

async function eventsOf(t: TestServer, customerId: string): Promise<EventView[]> {
  const data = await gql<{ customerEvents: { nodes: EventView[] } }>(
    t,
    'query ($filter: CustomerEventFilter) { customerEvents(first: 1000, filter: $filter) { nodes { type customerId sequence data } } }',
    { filter: { customerId } },
  );
  return data.customerEvents.nodes;
}

describeDb('Mutation.mergeCustomers', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer();
  });

  afterAll(async () => {
    await t?.close();
  });

  describe('what the survivor keeps and takes', () => {
    let survivor: CustomerView;
    let merged: CustomerView;
    let result: CustomerView;
    let tag: string;

    beforeAll(async () => {
      tag = uniqueLetters();
      survivor = await createValidCustomer(t, {
        givenName: 'Sara',
        familyName: '',
        emailAddress: `sara.${tag}@example.com`,
        metadata: { tier: 'gold', shared: 'survivor' },
        channels: [
          { type: 'EMAIL', value: `both.${tag}@example.com` },
          { type: 'OTHER', value: `survivor-only-${tag}` },
        ],
        flags: ['vip'],
      });
      merged = await createValidCustomer(t, {
        externalId: `ext-${tag}`,
        givenName: 'Sarah',
        familyName: `Merged${tag}`,
        emailAddress: `other.${tag}@example.com`,
        phoneNumber: '+4930726219941',
        languageCode: 'de-CH',
        metadata: { shared: 'merged', nested: { keep: null }, ['__proto__']: 'a key' },
        channels: [
          { type: 'EMAIL', value: `both.${tag}@example.com` },
          { type: 'TWITTER', value: `@merged${tag}` },
        ],
        flags: ['vip', 'do_not_contact'],
      });
      await recordActivity(t, { customerId: merged.id, type: 'order.placed', message: 'moved along' });
      result = await mergeOk(t, survivor.id, merged.id);
    });

    it('keeps the values the survivor has and fills its empty ones, externalId too', () => {
      expect(result).toMatchObject({
        id: survivor.id,
        externalId: `ext-${tag}`,
        givenName: 'Sara',
        familyName: `Merged${tag}`,
        name: `Sara Merged${tag}`,
        emailAddress: `sara.${tag}@example.com`,
        phoneNumber: '+4930726219941',
        languageCode: 'de-CH',
        createdAt: survivor.createdAt,
        deletedAt: null,
        version: survivor.version + 1,
      });
    });

    it('adds the metadata keys the survivor lacks, values as stored, without overwriting', () => {
      expect(result.metadata).toEqual({ tier: 'gold', shared: 'survivor', nested: { keep: null }, ['__proto__']: 'a key' });
      expect(Object.keys(result.metadata)).toContain('__proto__');
    });

    it('unites channels (equal type and value once) and flags', async () => {
      const after = (await details(t, survivor.id))!;
      expect(after.channels.map(({ type, value }) => ({ type, value })).sort((a, b) => a.value.localeCompare(b.value))).toEqual(
        [
          { type: 'EMAIL', value: `both.${tag}@example.com` },
          { type: 'OTHER', value: `survivor-only-${tag}` },
          { type: 'TWITTER', value: `@merged${tag}` },
        ].sort((a, b) => a.value.localeCompare(b.value)),
      );
      expect(after.flags.nodes.map((flag) => flag.name).sort()).toEqual(['do_not_contact', 'vip']);
    });

    it("moves the merged customer's activities and records customer.merged", async () => {
      const after = (await details(t, survivor.id))!;
      const types = after.activities.nodes.map((activity) => activity.type);
      expect(types[0]).toBe('customer.merged');
      expect(types.filter((type) => type === 'customer.created')).toHaveLength(2);
      expect(types).toContain('order.placed');
      expect(after.activities.nodes[0]!.data).toMatchObject({
        mergedCustomerId: merged.id,
        changedFields: expect.arrayContaining(['externalId', 'familyName', 'phoneNumber', 'languageCode', 'metadata']),
        movedActivities: 2,
        movedChannels: 1,
        droppedChannels: 1,
        addedFlags: 1,
      });
      const left = await t.sql<{ n: number | string }>(
        `SELECT (SELECT COUNT(*) FROM customer_activities WHERE customer_id = ?) + (SELECT COUNT(*) FROM customer_channels WHERE customer_id = ?)
           + (SELECT COUNT(*) FROM customer_flags WHERE customer_id = ?) + (SELECT COUNT(*) FROM customers WHERE id = ?)
           + (SELECT COUNT(*) FROM customer_search_terms WHERE customer_id = ?) AS n`,
        [merged.id, merged.id, merged.id, merged.id, merged.id],
      );
      expect(Number(left[0]!.n)).toBe(0);
    });

    it('answers customer(id:), customers(filter: {ids}) and _entities for the merged id with the survivor', async () => {
      expect((await customerById(t, merged.id))?.id).toBe(survivor.id);
      expect(await listIds(t, { ids: [merged.id] })).toEqual([survivor.id]);
      expect(await listIds(t, { ids: [merged.id, survivor.id] })).toEqual([survivor.id]);
      expect(await entities(t, [merged.id, survivor.id, ABSENT_CUSTOMER_ID])).toEqual([{ id: survivor.id }, { id: survivor.id }, null]);
    });

    it('leaves the merged customer out of lists and filters, and the survivor found by what it took', async () => {
      expect(await listIds(t, { emailAddress: `other.${tag}@example.com` })).toEqual([]);
      expect(await listIds(t, { externalId: `ext-${tag}` })).toEqual([survivor.id]);
      expect(await listIds(t, { search: `merged${tag}` })).toEqual([survivor.id]);
      expect(await listIds(t, { search: `sara ${tag} 7262` })).toEqual([survivor.id]);
      expect(await listIds(t, { channelValue: `@merged${tag}` })).toEqual([survivor.id]);
      expect(
        (
          await gql<{ customerByExternalId: { id: string } }>(t, 'query ($e: String!) { customerByExternalId(externalId: $e) { id } }', {
            e: `ext-${tag}`,
          })
        ).customerByExternalId.id,
      ).toBe(survivor.id);
    });

    it('records MERGED for both ids, with gap-free sequences', async () => {
      const data = { mergedCustomerId: merged.id, survivorId: survivor.id };
      const survivorEvents = await eventsOf(t, survivor.id);
      const mergedEvents = await eventsOf(t, merged.id);
      expect(survivorEvents.at(-1)).toMatchObject({ type: 'MERGED', customerId: survivor.id, data });
      expect(mergedEvents.at(-1)).toMatchObject({ type: 'MERGED', customerId: merged.id, data });
      for (const events of [survivorEvents, mergedEvents])
        expect(events.map((event) => event.sequence)).toEqual(events.map((_, i) => i + 1));
    });

    it('answers a retried create of the merged customer (same idempotency key) with the survivor', async () => {
      const input = { givenName: 'Keyed', familyName: uniqueLetters() };
      const create = (key: string) =>
        gql<{ createCustomer: { customer: { id: string } } }>(
          t,
          'mutation ($input: CreateCustomerInput!, $key: String) { createCustomer(input: $input, idempotencyKey: $key) { customer { id } } }',
          { input, key },
        );
      const key = `merge-${uniqueLetters()}`;
      const keyed = (await create(key)).createCustomer.customer.id;
      const keeper = await createValidCustomer(t, { givenName: 'Keeper', familyName: uniqueLetters() });
      await mergeOk(t, keeper.id, keyed);
      expect((await create(key)).createCustomer.customer.id).toBe(keeper.id);
    });

    it('refuses mutations on the merged id (NOT_FOUND), reads only follow it', async () => {
      const update = dataOf(
        await t.graphql<{ updateCustomer: { userErrors: UserErrorView[] } }>(
          'mutation ($input: UpdateCustomerInput!) { updateCustomer(input: $input) { userErrors { code field message } } }',
          { input: { id: merged.id, givenName: 'No' } },
        ),
      );
      expect(update.updateCustomer.userErrors.map((error) => error.code)).toEqual(['NOT_FOUND']);
    });
  });

  describe('aliases', () => {
    it('resolves chains (A into B, then B into C) to the last survivor', async () => {
      const [a, b, c] = await Promise.all(
        ['A', 'B', 'C'].map((n) => createValidCustomer(t, { givenName: n, familyName: uniqueLetters() })),
      );
      await mergeOk(t, b!.id, a!.id);
      await mergeOk(t, c!.id, b!.id);
      expect((await customerById(t, a!.id))?.id).toBe(c!.id);
      expect((await customerById(t, b!.id))?.id).toBe(c!.id);
      expect(await listIds(t, { ids: [a!.id, b!.id] })).toEqual([c!.id]);
      expect(await entities(t, [a!.id, b!.id])).toEqual([{ id: c!.id }, { id: c!.id }]);
    });

    it('resolves aliases of many ids in the same one statement as plain ids', async () => {
      const customers = await Promise.all(
        [0, 1, 2, 3].map((n) => createValidCustomer(t, { givenName: `N${'abcd'[n]}`, familyName: uniqueLetters() })),
      );
      await mergeOk(t, customers[0]!.id, customers[1]!.id);
      const { count } = await t.countStatements(() =>
        t.graphql('query ($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id } } }', {
          r: customers.map((customer) => ({ __typename: 'Customer', id: customer.id })),
        }),
      );
      expect(count).toBe(1);
    });

    it("purges a survivor's aliases with it, and a merged id cannot be purged (NOT_FOUND)", async () => {
      const [survivor, merged] = await Promise.all(
        ['S', 'M'].map((n) => createValidCustomer(t, { givenName: n, familyName: uniqueLetters() })),
      );
      await mergeOk(t, survivor!.id, merged!.id);
      const purge = (id: string) =>
        gql<{ purgeCustomer: { deletedCustomerId: string | null; userErrors: UserErrorView[] } }>(
          t,
          'mutation ($id: ID!) { purgeCustomer(id: $id) { deletedCustomerId userErrors { code field message } } }',
          { id },
        );
      expect((await purge(merged!.id)).purgeCustomer.userErrors.map((error) => error.code)).toEqual(['NOT_FOUND']);
      expect((await purge(survivor!.id)).purgeCustomer.deletedCustomerId).toBe(survivor!.id);
      expect(await customerById(t, merged!.id, true)).toBeNull();
      expect(await entities(t, [merged!.id])).toEqual([null]);
      expect(await t.sql('SELECT alias_id FROM customer_aliases WHERE alias_id = ?', [merged!.id])).toEqual([]);
      const mergedEvents = await eventsOf(t, merged!.id);
      expect(mergedEvents.map((event) => event.type)).toEqual(['PURGED']);
    });
  });

  describe('errors (nothing is written)', () => {
    let a: CustomerView;
    let b: CustomerView;

    beforeEach(async () => {
      a = await createValidCustomer(t, { givenName: 'Err', familyName: uniqueLetters() });
      b = await createValidCustomer(t, { givenName: 'Err', familyName: uniqueLetters(), externalId: `e-${uniqueLetters()}` });
    });

    async function unchanged(): Promise<void> {
      expect((await customerById(t, a.id))?.version).toBe(a.version);
      expect(await customerById(t, b.id)).toMatchObject({ id: b.id, version: b.version });
    }

    it('refuses the same id twice with INVALID at ["input","mergedId"]', async () => {
      const payload = await merge(t, { survivorId: a.id, mergedId: a.id });
      expect(payload).toMatchObject({ customer: null, mergedCustomerId: null });
      expect(payload.userErrors).toEqual([{ field: ['input', 'mergedId'], code: 'INVALID', message: expect.any(String) }]);
      await unchanged();
    });

    it.each([
      ['survivorId', () => ({ survivorId: ABSENT_CUSTOMER_ID, mergedId: b.id })],
      ['mergedId', () => ({ survivorId: a.id, mergedId: ABSENT_CUSTOMER_ID })],
    ])('refuses a missing %s with NOT_FOUND', async (field, input) => {
      const payload = await merge(t, input());
      expect(payload.userErrors).toEqual([{ field: ['input', field], code: 'NOT_FOUND', message: expect.any(String) }]);
      await unchanged();
    });

    it('refuses a deleted customer with NOT_FOUND', async () => {
      await deleteCustomer(t, b.id);
      b = { ...b, version: b.version + 1 };
      const payload = await merge(t, { survivorId: a.id, mergedId: b.id });
      expect(payload.userErrors.map((error) => [error.field, error.code])).toEqual([[['input', 'mergedId'], 'NOT_FOUND']]);
      expect((await customerById(t, a.id))?.version).toBe(a.version);
    });

    it.each([
      ['expectedSurvivorVersion', { expectedSurvivorVersion: 99 }],
      ['expectedMergedVersion', { expectedMergedVersion: 99 }],
    ])('refuses a stale %s with VERSION_CONFLICT', async (field, versions) => {
      const payload = await merge(t, { survivorId: a.id, mergedId: b.id, ...versions });
      expect(payload.userErrors).toEqual([{ field: ['input', field], code: 'VERSION_CONFLICT', message: expect.any(String) }]);
      await unchanged();
    });

    it('accepts current expected versions', async () => {
      const payload = await merge(t, {
        survivorId: a.id,
        mergedId: b.id,
        expectedSurvivorVersion: a.version,
        expectedMergedVersion: b.version,
      });
      expect(payload.userErrors).toEqual([]);
    });

    it('refuses a merge whose metadata would exceed the limits with LIMIT_EXCEEDED', async () => {
      const many = (prefix: string) => Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`${prefix}${i}`, i]));
      const big = await createValidCustomer(t, { givenName: 'Big', familyName: uniqueLetters(), metadata: many('x') });
      const other = await createValidCustomer(t, { givenName: 'Big', familyName: uniqueLetters(), metadata: many('y') });
      const payload = await merge(t, { survivorId: big.id, mergedId: other.id });
      expect(payload.userErrors.map((error) => [error.field, error.code])).toEqual([[['input', 'mergedId'], 'LIMIT_EXCEEDED']]);
      expect((await customerById(t, other.id))?.id).toBe(other.id);
    });
  });

  describe('concurrency', () => {
    it('lets exactly one of two opposite merges win; the other gets NOT_FOUND, never a deadlock', async () => {
      for (let round = 0; round < (dialect === 'mysql' ? 8 : 3); round += 1) {
        const [a, b] = await Promise.all(['P', 'Q'].map((n) => createValidCustomer(t, { givenName: n, familyName: uniqueLetters() })));
        await Promise.all([addChannel(t, a!.id, { type: 'OTHER', value: `a${round}` }), addFlag(t, b!.id, 'vip')]);
        const responses = await Promise.all([
          t.graphql<{ mergeCustomers: MergePayload }>(MERGE, { input: { survivorId: a!.id, mergedId: b!.id } }),
          t.graphql<{ mergeCustomers: MergePayload }>(MERGE, { input: { survivorId: b!.id, mergedId: a!.id } }),
        ]);
        for (const response of responses) expect(response.errors).toBeUndefined();
        const payloads = responses.map((response) => response.data!.mergeCustomers);
        const winners = payloads.filter((payload) => payload.userErrors.length === 0);
        expect(winners).toHaveLength(1);
        const loser = payloads.find((payload) => payload.userErrors.length > 0)!;
        expect(loser.userErrors.map((error) => error.code)).toEqual(['NOT_FOUND']);
        const survivorId = winners[0]!.customer!.id;
        expect((await customerById(t, a!.id))?.id).toBe(survivorId);
        expect((await customerById(t, b!.id))?.id).toBe(survivorId);
      }
    });
  });
});

describeDb('mergeCustomers and possibleDuplicates across brands', () => {
  let t: TestServer;
  let alpha: Record<string, string>;
  let beta: Record<string, string>;

  beforeAll(async () => {
    t = await startTestServer({ AUTH_JWT_SECRET: TEST_JWT_SECRET });
    alpha = bearer(await hs256Token({ claims: { brand: 'alpha' } }));
    beta = bearer(await hs256Token({ claims: { brand: 'beta' } }));
  });

  afterAll(async () => {
    await t?.close();
  });

  async function create(headers: Record<string, string>, input: Record<string, unknown>): Promise<string> {
    const data = dataOf(
      await t.graphql<{ createCustomer: { customer: { id: string } } }>(
        'mutation ($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } } }',
        { input },
        headers,
      ),
    );
    return data.createCustomer.customer.id;
  }

  it("refuses another brand's customer with NOT_FOUND and keeps aliases within the brand", async () => {
    const mine = await create(alpha, { givenName: 'Mine', familyName: 'Alpha' });
    const theirs = await create(beta, { givenName: 'Theirs', familyName: 'Beta' });
    const payload = await merge(t, { survivorId: mine, mergedId: theirs }, alpha);
    expect(payload.userErrors.map((error) => [error.field, error.code])).toEqual([[['input', 'mergedId'], 'NOT_FOUND']]);

    const other = await create(alpha, { givenName: 'Other', familyName: 'Alpha' });
    expect((await merge(t, { survivorId: mine, mergedId: other }, alpha)).userErrors).toEqual([]);
    const read = (headers: Record<string, string>) =>
      t.graphql<{ customer: { id: string } | null }>('query ($id: ID!) { customer(id: $id) { id } }', { id: other }, headers);
    expect(dataOf(await read(alpha)).customer).toEqual({ id: mine });
    expect(dataOf(await read(beta)).customer).toBeNull();
  });

  it('finds no duplicates in another brand', async () => {
    const mine = await create(alpha, { givenName: 'Dup', familyName: 'Alpha', emailAddress: 'same@brands.example' });
    await create(beta, { givenName: 'Dup', familyName: 'Beta', emailAddress: 'same@brands.example' });
    const data = dataOf(
      await t.graphql<{ customer: { possibleDuplicates: unknown[] } }>(
        'query ($id: ID!) { customer(id: $id) { possibleDuplicates { id } } }',
        { id: mine },
        alpha,
      ),
    );
    expect(data.customer.possibleDuplicates).toEqual([]);
  });
});

import { CUSTOMER_FIELDS, CustomerView, UserErrorView } from '../helpers/customer-api';
import { snapshotDatabase } from '../helpers/database-scan';
import { describeDb, GraphQLResponse, startTestServer, TestServer } from '../helpers/test-server';
import { bearer, hs256Token, TEST_JWT_SECRET } from '../helpers/tokens';

const ALPHA = 'alpha';
const BETA = 'beta';
const SHARED_EXTERNAL_ID = 'shared-ext-1';

interface Seeded {
  customer: CustomerView;
  channelId: string;
}

describeDb('brand isolation', () => {
  let t: TestServer;
  const headers: Record<string, Record<string, string>> = {};
  let alpha: Seeded;
  let beta: Seeded;
  let window: { from: string; to: string };

  /** Runs an operation as a brand; fails on top-level errors. */
  async function as<T>(brand: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const response: GraphQLResponse<T> = await t.graphql<T>(query, variables, headers[brand]);
    if (response.errors?.length) throw new Error(`unexpected errors: ${JSON.stringify(response.errors)}`);
    return response.data!;
  }

  async function seed(brand: string, suffix: string): Promise<Seeded> {
    const data = await as<{
      createCustomer: { customer: CustomerView & { channels: Array<{ id: string }> }; userErrors: UserErrorView[] };
    }>(
      brand,
      `mutation ($input: CreateCustomerInput!) {
        createCustomer(input: $input) { customer { ...CustomerFields channels { id } } userErrors { code field } }
      }
      ${CUSTOMER_FIELDS}`,
      {
        input: {
          externalId: SHARED_EXTERNAL_ID,
          givenName: `Given${suffix}`,
          familyName: `Family${suffix}`,
          emailAddress: `person-${suffix.toLowerCase()}@example.com`,
          phoneNumber: suffix === 'Alpha' ? '+4930726219941' : '+4930726219942',
          languageCode: suffix === 'Alpha' ? 'fr-CA' : 'de-CH',
          metadata: { tier: suffix },
          channels: [{ type: 'OTHER', value: `handle-${suffix}` }],
          flags: suffix === 'Alpha' ? ['vip'] : ['do_not_contact'],
        },
      },
    );
    expect(data.createCustomer.userErrors).toEqual([]);
    await as(
      brand,
      'mutation ($id: ID!) { recordCustomerActivity(input: { customerId: $id, type: "note", message: "hello" }) { userErrors { code } } }',
      {
        id: data.createCustomer.customer.id,
      },
    );
    return { customer: data.createCustomer.customer, channelId: data.createCustomer.customer.channels[0]!.id };
  }

  beforeAll(async () => {
    t = await startTestServer({ AUTH_JWT_SECRET: TEST_JWT_SECRET });
    for (const brand of [ALPHA, BETA]) headers[brand] = bearer(await hs256Token({ claims: { brand } }));
    const from = new Date(Date.now() - 60_000).toISOString();
    alpha = await seed(ALPHA, 'Alpha');
    beta = await seed(BETA, 'Beta');
    window = { from, to: new Date(Date.now() + 60_000).toISOString() };
  });
  afterAll(() => t.close());

  describe('queries', () => {
    it("customer(id) answers null for another brand's id, also with includeDeleted", async () => {
      for (const includeDeleted of [false, true]) {
        const data = await as<{ customer: unknown }>(
          BETA,
          'query ($id: ID!, $d: Boolean) { customer(id: $id, includeDeleted: $d) { id } }',
          {
            id: alpha.customer.id,
            d: includeDeleted,
          },
        );
        expect(data.customer).toBeNull();
      }
      const own = await as<{ customer: { id: string } }>(BETA, 'query ($id: ID!) { customer(id: $id) { id } }', { id: beta.customer.id });
      expect(own.customer.id).toBe(beta.customer.id);
    });

    it('customerByExternalId finds only the own brand’s customer when both use the same externalId', async () => {
      for (const [brand, seeded] of [
        [ALPHA, alpha],
        [BETA, beta],
      ] as const) {
        const data = await as<{ customerByExternalId: { id: string } }>(
          brand,
          'query ($e: String!) { customerByExternalId(externalId: $e) { id } }',
          {
            e: SHARED_EXTERNAL_ID,
          },
        );
        expect(data.customerByExternalId.id).toBe(seeded.customer.id);
      }
    });

    const listAs = async (brand: string, filter: Record<string, unknown>) =>
      (
        await as<{ customers: { nodes: Array<{ id: string }>; totalCount: number } }>(
          brand,
          'query ($f: CustomerFilter) { customers(first: 100, filter: $f) { nodes { id } totalCount } }',
          { f: filter },
        )
      ).customers;

    it.each<[string, () => Record<string, unknown>]>([
      ['no filter', () => ({})],
      ['ids', () => ({ ids: [alpha.customer.id, beta.customer.id] })],
      ['externalId', () => ({ externalId: SHARED_EXTERNAL_ID })],
      ['emailAddress', () => ({ emailAddress: alpha.customer.emailAddress })],
      ['phoneNumber', () => ({ phoneNumber: alpha.customer.phoneNumber })],
      ['name', () => ({ name: 'Given' })],
      ['channelValue', () => ({ channelValue: 'handle-Alpha' })],
      ['hasFlag', () => ({ hasFlag: 'vip' })],
      ['languageCode', () => ({ languageCode: 'fr-CA' })],
      ['createdAfter/createdBefore', () => ({ createdAfter: window.from, createdBefore: window.to })],
      ['updatedAfter/updatedBefore', () => ({ updatedAfter: window.from, updatedBefore: window.to })],
      ['includeDeleted', () => ({ includeDeleted: true })],
    ])("customers with %s lists none of another brand's customers, nor counts them", async (_name, filter) => {
      const seen = await listAs(BETA, filter());
      expect(seen.nodes.map((node) => node.id)).not.toContain(alpha.customer.id);
      expect(seen.totalCount).toBe(seen.nodes.length);
      // The same filter as the other brand does find its customer, so the filter itself matches.
      const own = await listAs(ALPHA, filter());
      expect(own.nodes.map((node) => node.id)).toContain(alpha.customer.id);
      expect(own.nodes.map((node) => node.id)).not.toContain(beta.customer.id);
    });

    it("_entities resolves another brand's customer to null", async () => {
      const data = await as<{ _entities: Array<{ id: string } | null> }>(
        BETA,
        'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id } } }',
        {
          r: [
            { __typename: 'Customer', id: alpha.customer.id },
            { __typename: 'Customer', id: beta.customer.id },
          ],
        },
      );
      expect(data._entities).toEqual([null, { id: beta.customer.id }]);
    });
  });

  describe("mutations on another brand's customer", () => {
    const mutations: Array<[string, string, () => Record<string, unknown>, (data: Record<string, unknown>) => UserErrorView[]]> = [
      [
        'updateCustomer',
        'mutation ($id: ID!) { updateCustomer(input: { id: $id, givenName: "Hijacked" }) { customer { id } userErrors { code field } } }',
        () => ({ id: alpha.customer.id }),
        (data) => (data.updateCustomer as { userErrors: UserErrorView[] }).userErrors,
      ],
      [
        'deleteCustomer',
        'mutation ($id: ID!) { deleteCustomer(id: $id) { deletedCustomerId userErrors { code field } } }',
        () => ({ id: alpha.customer.id }),
        (data) => (data.deleteCustomer as { userErrors: UserErrorView[] }).userErrors,
      ],
      [
        'purgeCustomer',
        'mutation ($id: ID!) { purgeCustomer(id: $id) { deletedCustomerId userErrors { code field } } }',
        () => ({ id: alpha.customer.id }),
        (data) => (data.purgeCustomer as { userErrors: UserErrorView[] }).userErrors,
      ],
      [
        'addCustomerFlag',
        'mutation ($id: ID!) { addCustomerFlag(customerId: $id, flag: "fraud_suspected") { customer { id } userErrors { code field } } }',
        () => ({ id: alpha.customer.id }),
        (data) => (data.addCustomerFlag as { userErrors: UserErrorView[] }).userErrors,
      ],
      [
        'removeCustomerFlag',
        'mutation ($id: ID!) { removeCustomerFlag(customerId: $id, flag: "vip") { customer { id } userErrors { code field } } }',
        () => ({ id: alpha.customer.id }),
        (data) => (data.removeCustomerFlag as { userErrors: UserErrorView[] }).userErrors,
      ],
      [
        'addCustomerChannel',
        'mutation ($id: ID!) { addCustomerChannel(customerId: $id, channel: { type: OTHER, value: "intruder" }) { channel { id } userErrors { code field } } }',
        () => ({ id: alpha.customer.id }),
        (data) => (data.addCustomerChannel as { userErrors: UserErrorView[] }).userErrors,
      ],
      [
        'removeCustomerChannel',
        'mutation ($id: ID!, $c: ID!) { removeCustomerChannel(customerId: $id, channelId: $c) { customer { id } userErrors { code field } } }',
        () => ({ id: alpha.customer.id, c: alpha.channelId }),
        (data) => (data.removeCustomerChannel as { userErrors: UserErrorView[] }).userErrors,
      ],
      [
        "removeCustomerChannel (own customer, the other brand's channel)",
        'mutation ($id: ID!, $c: ID!) { removeCustomerChannel(customerId: $id, channelId: $c) { customer { id } userErrors { code field } } }',
        () => ({ id: beta.customer.id, c: alpha.channelId }),
        (data) => (data.removeCustomerChannel as { userErrors: UserErrorView[] }).userErrors,
      ],
      [
        'recordCustomerActivity',
        'mutation ($id: ID!) { recordCustomerActivity(input: { customerId: $id, type: "note", message: "planted" }) { activity { id } userErrors { code field } } }',
        () => ({ id: alpha.customer.id }),
        (data) => (data.recordCustomerActivity as { userErrors: UserErrorView[] }).userErrors,
      ],
    ];

    it.each(mutations)('%s answers NOT_FOUND (never FORBIDDEN) and changes nothing', async (_name, query, variables, userErrorsOf) => {
      const before = await snapshotDatabase(t);
      const response = await t.graphql<Record<string, unknown>>(query, variables(), headers[BETA]);
      expect(response.errors).toBeUndefined();
      expect(userErrorsOf(response.data!).map((error) => error.code)).toEqual(['NOT_FOUND']);
      expect(await snapshotDatabase(t)).toEqual(before);
    });
  });

  describe('per-brand uniqueness', () => {
    it('lets both brands hold the same externalId', async () => {
      const rows = await t.sql<{ brand: string }>('SELECT brand FROM customers WHERE external_id = ? ORDER BY brand', [SHARED_EXTERNAL_ID]);
      expect(rows.map((row) => row.brand)).toEqual([ALPHA, BETA]);
    });

    it('refuses an externalId taken within the brand, but not one taken in another brand', async () => {
      const create =
        'mutation ($e: String) { createCustomer(input: { externalId: $e, givenName: "Dup" }) { customer { id } userErrors { code } } }';
      const again = await as<{ createCustomer: { userErrors: UserErrorView[] } }>(BETA, create, { e: SHARED_EXTERNAL_ID });
      expect(again.createCustomer.userErrors.map((error) => error.code)).toEqual(['TAKEN']);
      const alphaOnly = await as<{ createCustomer: { customer: { id: string } } }>(ALPHA, create, { e: 'alpha-only-ext' });
      const moved = await as<{ updateCustomer: { customer: { externalId: string } | null; userErrors: UserErrorView[] } }>(
        BETA,
        'mutation ($id: ID!) { updateCustomer(input: { id: $id, externalId: "alpha-only-ext" }) { customer { externalId } userErrors { code } } }',
        { id: beta.customer.id },
      );
      expect(moved.updateCustomer.userErrors).toEqual([]);
      expect(moved.updateCustomer.customer?.externalId).toBe('alpha-only-ext');
      const alphaRow = await t.sql<{ external_id: string }>('SELECT external_id FROM customers WHERE id = ?', [
        alphaOnly.createCustomer.customer.id,
      ]);
      expect(alphaRow[0]!.external_id).toBe('alpha-only-ext');
      await as(
        BETA,
        `mutation ($id: ID!) { updateCustomer(input: { id: $id, externalId: "${SHARED_EXTERNAL_ID}" }) { userErrors { code } } }`,
        {
          id: beta.customer.id,
        },
      );
    });

    it("upsertCustomer matches only within its brand: another brand's externalId creates a new customer", async () => {
      const before = await t.sql<Record<string, unknown>>('SELECT * FROM customers WHERE id = ?', [alpha.customer.id]);
      const upserted = await as<{
        upsertCustomer: { customer: { id: string; givenName: string }; created: boolean; userErrors: UserErrorView[] };
      }>(
        BETA,
        'mutation { upsertCustomer(input: { externalId: "upsert-ext", givenName: "BetaUpsert" }) { customer { id givenName } created userErrors { code } } }',
      );
      const alphaUpsert = await as<{ upsertCustomer: { customer: { id: string }; created: boolean } }>(
        ALPHA,
        'mutation { upsertCustomer(input: { externalId: "upsert-ext", givenName: "AlphaUpsert" }) { customer { id } created } }',
      );
      expect(upserted.upsertCustomer.created).toBe(true);
      expect(alphaUpsert.upsertCustomer.created).toBe(true);
      expect(alphaUpsert.upsertCustomer.customer.id).not.toBe(upserted.upsertCustomer.customer.id);

      const shared = await as<{ upsertCustomer: { customer: { id: string }; created: boolean } }>(
        BETA,
        `mutation { upsertCustomer(input: { externalId: "${SHARED_EXTERNAL_ID}", givenName: "Renamed" }) { customer { id } created } }`,
      );
      expect(shared.upsertCustomer).toEqual({ customer: { id: beta.customer.id }, created: false });
      const many = await as<{ upsertCustomers: { results: Array<{ customer: { id: string }; created: boolean }> } }>(
        BETA,
        `mutation { upsertCustomers(inputs: [{ externalId: "${SHARED_EXTERNAL_ID}", familyName: "Bulk" }]) { results { customer { id } created } } }`,
      );
      expect(many.upsertCustomers.results).toEqual([{ customer: { id: beta.customer.id }, created: false }]);
      expect(await t.sql('SELECT * FROM customers WHERE id = ?', [alpha.customer.id])).toEqual(before);
    });

    it('keeps idempotency keys per brand: the same key in two brands creates one customer in each', async () => {
      const create =
        'mutation ($k: String, $n: String) { createCustomer(input: { givenName: $n }, idempotencyKey: $k) { customer { id } userErrors { code } } }';
      const a = await as<{ createCustomer: { customer: { id: string }; userErrors: UserErrorView[] } }>(ALPHA, create, {
        k: 'shared-key',
        n: 'Same',
      });
      const b = await as<{ createCustomer: { customer: { id: string }; userErrors: UserErrorView[] } }>(BETA, create, {
        k: 'shared-key',
        n: 'Same',
      });
      const bOther = await as<{ createCustomer: { customer: { id: string } | null; userErrors: UserErrorView[] } }>(BETA, create, {
        k: 'shared-key-2',
        n: 'First',
      });
      const aOther = await as<{ createCustomer: { customer: { id: string } | null; userErrors: UserErrorView[] } }>(ALPHA, create, {
        k: 'shared-key-2',
        n: 'Different',
      });
      expect([a, b, bOther, aOther].map((item) => item.createCustomer.userErrors)).toEqual([[], [], [], []]);
      expect(a.createCustomer.customer.id).not.toBe(b.createCustomer.customer.id);
      expect(
        await t.sql('SELECT brand FROM customers WHERE id IN (?, ?) ORDER BY brand', [
          a.createCustomer.customer.id,
          b.createCustomer.customer.id,
        ]),
      ).toEqual([{ brand: ALPHA }, { brand: BETA }]);
      const retry = await as<{ createCustomer: { customer: { id: string } } }>(BETA, create, { k: 'shared-key', n: 'Same' });
      expect(retry.createCustomer.customer.id).toBe(b.createCustomer.customer.id);
    });
  });
});

import { createValidCustomer, uniqueLetters } from '../helpers/customer-api';
import { describeDb, startTestServer, TestServer } from '../helpers/test-server';
import { bearer, hs256Token, TEST_JWT_SECRET } from '../helpers/tokens';

const DATA_EXPORT = /* GraphQL */ `
  query DataExport($id: ID!) {
    customerDataExport(id: $id)
  }
`;

interface DataExport {
  exportedAt: string;
  customer: Record<string, unknown>;
  channels: Array<{ id: string; type: string; value: string; createdAt: string }>;
  flags: Array<{ name: string; addedAt: string }>;
  activities: Array<{ id: string; type: string; origin: string; message: string | null; data: Record<string, unknown> }>;
  events: Array<{ id: string; type: string; changedFields: string[] }>;
}

describeDb('Query.customerDataExport', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.close());

  async function mutate(query: string, variables: Record<string, unknown>): Promise<void> {
    const response = await t.graphql<Record<string, { userErrors: unknown[] }>>(query, variables);
    expect(response.errors).toBeUndefined();
    expect(Object.values(response.data!)[0]!.userErrors).toEqual([]);
  }

  it('holds everything about one customer: its fields, channels, flags, activities and events', async () => {
    const externalId = `dsar-${uniqueLetters()}`;
    const customer = await createValidCustomer(t, {
      externalId,
      givenName: 'Data',
      familyName: 'Subject',
      emailAddress: 'subject@example.com',
      metadata: { source: 'crm' },
      channels: [{ type: 'EMAIL', value: 'subject@example.com' }],
      flags: ['vip'],
    });
    await mutate(`mutation($id: ID!) { updateCustomer(input: { id: $id, phoneNumber: "+49 30 726219941" }) { userErrors { code } } }`, {
      id: customer.id,
    });
    await mutate(
      `mutation($id: ID!) { addCustomerChannel(customerId: $id, channel: { type: TWITTER, value: "@subject" }) { userErrors { code } } }`,
      { id: customer.id },
    );
    await mutate(
      `mutation($id: ID!) { recordCustomerActivity(input: { customerId: $id, type: "order.placed", message: "Order 1", data: { orderId: "o-1" } }) { userErrors { code } } }`,
      { id: customer.id },
    );
    // A second customer's rows are not part of the export.
    await createValidCustomer(t, { givenName: 'Someone', familyName: 'Else', flags: ['do_not_contact'] });

    const response = await t.graphql<{ customerDataExport: DataExport }>(DATA_EXPORT, { id: customer.id });
    expect(response.errors).toBeUndefined();
    const data = response.data!.customerDataExport;
    expect(data.customer).toMatchObject({
      id: customer.id,
      externalId,
      givenName: 'Data',
      familyName: 'Subject',
      name: 'Data Subject',
      emailAddress: 'subject@example.com',
      phoneNumber: '+4930726219941',
      metadata: { source: 'crm' },
      deletedAt: null,
      version: 3,
    });
    expect(data.channels.map((channel) => [channel.type, channel.value])).toEqual(
      expect.arrayContaining([
        ['EMAIL', 'subject@example.com'],
        ['TWITTER', '@subject'],
      ]),
    );
    expect(data.channels).toHaveLength(2);
    expect(data.flags.map((flag) => flag.name)).toEqual(['vip']);
    expect(data.activities.map((activity) => activity.type)).toEqual([
      'customer.created',
      'customer.updated',
      'customer.channel_added',
      'order.placed',
    ]);
    expect(data.activities[3]).toMatchObject({ origin: 'EXTERNAL', message: 'Order 1', data: { orderId: 'o-1' } });
    expect(data.events.map((event) => event.type)).toEqual(['CREATED', 'UPDATED', 'CHANNEL_ADDED', 'ACTIVITY_RECORDED']);
    expect(data.events[1]!.changedFields).toEqual(['phoneNumber']);
  });

  it('answers a soft-deleted customer too, and null for an unknown id or another brand', async () => {
    const customer = await createValidCustomer(t, { givenName: 'Gone', familyName: 'Soon' });
    await mutate(`mutation($id: ID!) { deleteCustomer(id: $id) { userErrors { code } } }`, { id: customer.id });
    const deleted = await t.graphql<{ customerDataExport: DataExport }>(DATA_EXPORT, { id: customer.id });
    expect(deleted.data!.customerDataExport.customer).toMatchObject({ id: customer.id, deletedAt: expect.any(String) });
    expect(await t.graphql(DATA_EXPORT, { id: 'cus_00000000000000000000000000' })).toEqual({ data: { customerDataExport: null } });
  });

  it('needs customer:read and shows only the caller brand', async () => {
    const secured = await startTestServer({ AUTH_JWT_SECRET: TEST_JWT_SECRET });
    try {
      const acme = bearer(await hs256Token({ claims: { brand: 'acme' } }));
      const created = await secured.graphql<{ createCustomer: { customer: { id: string } } }>(
        `mutation { createCustomer(input: { givenName: "Brand", familyName: "Bound" }) { customer { id } } }`,
        {},
        acme,
      );
      const id = created.data!.createCustomer.customer.id;
      const other = bearer(await hs256Token({ claims: { brand: 'globex' } }));
      expect(await secured.graphql(DATA_EXPORT, { id }, other)).toEqual({ data: { customerDataExport: null } });
      const writeOnly = bearer(await hs256Token({ claims: { brand: 'acme', scope: 'customer:write' } }));
      expect((await secured.graphql(DATA_EXPORT, { id }, writeOnly)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect((await secured.graphql(DATA_EXPORT, { id })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      const own = await secured.graphql<{ customerDataExport: DataExport }>(DATA_EXPORT, { id }, acme);
      expect(own.data!.customerDataExport.customer.id).toBe(id);
    } finally {
      await secured.close();
    }
  });
});

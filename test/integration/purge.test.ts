import { IdempotencyRepository } from '../../src/data/repositories/idempotency.repository';
import { CUSTOMER_FIELDS, CustomerView, gql, UserErrorView } from '../helpers/customer-api';
import { findText, listTables } from '../helpers/database-scan';
import { ABSENT_CUSTOMER_ID } from '../helpers/ids';
import { describeDb, startTestServer, TestServer } from '../helpers/test-server';

interface PurgePayload {
  purgeCustomer: { deletedCustomerId: string | null; userErrors: UserErrorView[] };
}

const PURGE = 'mutation ($id: ID!) { purgeCustomer(id: $id) { deletedCustomerId userErrors { code field } } }';

/** The personal data of one customer, every value distinct from the other customer's so a scan can tell them apart. */
function personalData(tag: string, phone: string) {
  return {
    externalId: `ext-${tag}`,
    givenName: `Given${tag}`,
    familyName: `Family${tag}`,
    emailAddress: `mail-${tag.toLowerCase()}@example.org`,
    phoneNumber: phone,
    metadata: { secretValue: `meta-${tag}` },
    channelValue: `handle-${tag}`,
    whatsapp: phone.replace(/1$/, '7'),
    activityMessage: `message-${tag}`,
    activitySource: `https://source.example/${tag}`,
    activityInitiator: `agent-${tag}`,
    activityData: `data-${tag}`,
    idempotencyKey: `key-${tag}`,
  };
}

describeDb('purgeCustomer', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.close());

  /** Creates a customer with a channel of each kind, a flag, activities and an idempotency key; returns it and its personal data. */
  async function seedFull(tag: string, phone: string): Promise<{ customer: CustomerView; values: string[] }> {
    const data = personalData(tag, phone);
    const created = await gql<{ createCustomer: { customer: CustomerView; userErrors: UserErrorView[] } }>(
      t,
      `
        mutation ($input: CreateCustomerInput!, $key: String) {
          createCustomer(input: $input, idempotencyKey: $key) {
            customer {
              ...CustomerFields
            }
            userErrors {
              code
              field
            }
          }
        }
        ${CUSTOMER_FIELDS}
      `,
      {
        key: data.idempotencyKey,
        input: {
          externalId: data.externalId,
          givenName: data.givenName,
          familyName: data.familyName,
          emailAddress: data.emailAddress,
          phoneNumber: data.phoneNumber,
          languageCode: 'en-GB',
          metadata: data.metadata,
          channels: [
            { type: 'OTHER', value: data.channelValue },
            { type: 'WHATSAPP', value: data.whatsapp },
          ],
          flags: ['vip'],
        },
      },
    );
    expect(created.createCustomer.userErrors).toEqual([]);
    const customer = created.createCustomer.customer;
    const recorded = await gql<{ recordCustomerActivity: { userErrors: UserErrorView[] } }>(
      t,
      `
        mutation ($input: RecordCustomerActivityInput!) {
          recordCustomerActivity(input: $input) {
            userErrors {
              code
              field
            }
          }
        }
      `,
      {
        input: {
          customerId: customer.id,
          type: 'support.call',
          message: data.activityMessage,
          initiatedBy: data.activityInitiator,
          sourceUrl: data.activitySource,
          data: { note: data.activityData },
        },
      },
    );
    expect(recorded.recordCustomerActivity.userErrors).toEqual([]);
    const updated = await gql<{ updateCustomer: { userErrors: UserErrorView[] } }>(
      t,
      'mutation ($id: ID!) { updateCustomer(input: { id: $id, languageCode: "en-US" }) { userErrors { code } } }',
      { id: customer.id },
    );
    expect(updated.updateCustomer.userErrors).toEqual([]);
    const values = [
      customer.id,
      data.externalId,
      data.givenName,
      data.familyName,
      `${data.givenName} ${data.familyName}`,
      data.emailAddress,
      data.phoneNumber,
      data.whatsapp,
      data.metadata.secretValue,
      data.channelValue,
      data.activityMessage,
      data.activityInitiator,
      data.activitySource,
      data.activityData,
    ];
    return { customer, values };
  }

  async function rowsAbout(id: string): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const table of ['customers', 'customer_channels', 'customer_flags', 'customer_activities', 'idempotency_keys']) {
      const column = table === 'customers' ? 'id' : 'customer_id';
      const [row] = await t.sql<{ n: number | string }>(`SELECT COUNT(*) AS n FROM ${table} WHERE ${column} = ?`, [id]);
      counts[table] = Number(row!.n);
    }
    return counts;
  }

  /**
   * What a purge leaves of a customer: nothing but its id, in the one PURGED event that tells other
   * subgraphs to erase their copies (and in the event sequence head that numbered it).
   */
  async function traceAfterPurge(id: string, values: string[]): Promise<unknown[]> {
    const events = await t.sql<{ type: string; data: string; changed_fields: string }>(
      'SELECT type, data, changed_fields FROM customer_events WHERE customer_id = ?',
      [id],
    );
    expect(events).toEqual([{ type: 'PURGED', data: '{}', changed_fields: '[]' }]);
    const announced = new Set(['customer_events', 'customer_event_heads']);
    return (await findText(t, values)).filter((hit) => !(hit.needle === id && announced.has(hit.table)));
  }

  it('erases the customer, its channels, flags, activities and idempotency keys, leaving no trace of its data in any table', async () => {
    const erased = await seedFull('Erased', '+4930726219941');
    const kept = await seedFull('Kept', '+4930726219951');
    expect(await rowsAbout(erased.customer.id)).toEqual({
      customers: 1,
      customer_channels: 2,
      customer_flags: 1,
      customer_activities: 3,
      idempotency_keys: 1,
    });
    // Before the purge, the scan finds every value of both customers: it can see what it looks for.
    expect(new Set((await findText(t, erased.values)).map((hit) => hit.needle))).toEqual(new Set(erased.values));
    expect(await listTables(t)).toEqual(expect.arrayContaining(['customers', 'customer_channels', 'idempotency_keys']));

    const purged = await gql<PurgePayload>(t, PURGE, { id: erased.customer.id });
    expect(purged.purgeCustomer).toEqual({ deletedCustomerId: erased.customer.id, userErrors: [] });

    expect(await rowsAbout(erased.customer.id)).toEqual({
      customers: 0,
      customer_channels: 0,
      customer_flags: 0,
      customer_activities: 0,
      idempotency_keys: 0,
    });
    expect(await traceAfterPurge(erased.customer.id, erased.values)).toEqual([]);
    expect(new Set((await findText(t, kept.values)).map((hit) => hit.needle))).toEqual(new Set(kept.values));
    expect(await rowsAbout(kept.customer.id)).toEqual({
      customers: 1,
      customer_channels: 2,
      customer_flags: 1,
      customer_activities: 3,
      idempotency_keys: 1,
    });
  });

  it('resolves a purged customer to null as an entity and in queries', async () => {
    const { customer } = await seedFull('Entity', '+4930726219961');
    const entities = 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id } } }';
    const representations = { r: [{ __typename: 'Customer', id: customer.id }] };
    expect(await gql(t, entities, representations)).toEqual({ _entities: [{ id: customer.id }] });
    await gql<PurgePayload>(t, PURGE, { id: customer.id });
    expect(await gql(t, entities, representations)).toEqual({ _entities: [null] });
    expect(await gql(t, 'query ($id: ID!) { customer(id: $id, includeDeleted: true) { id } }', { id: customer.id })).toEqual({
      customer: null,
    });
  });

  it('erases a soft-deleted customer too', async () => {
    const { customer, values } = await seedFull('Soft', '+4930726219971');
    const deleted = await gql<{ deleteCustomer: { deletedCustomerId: string } }>(
      t,
      'mutation ($id: ID!) { deleteCustomer(id: $id) { deletedCustomerId } }',
      { id: customer.id },
    );
    expect(deleted.deleteCustomer.deletedCustomerId).toBe(customer.id);
    const purged = await gql<PurgePayload>(t, PURGE, { id: customer.id });
    expect(purged.purgeCustomer).toEqual({ deletedCustomerId: customer.id, userErrors: [] });
    expect(Object.values(await rowsAbout(customer.id))).toEqual([0, 0, 0, 0, 0]);
    expect(await traceAfterPurge(customer.id, values)).toEqual([]);
    const entities = await gql(t, 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id } } }', {
      r: [{ __typename: 'Customer', id: customer.id }],
    });
    expect(entities).toEqual({ _entities: [null] });
  });

  it('frees the idempotency key and the externalId of the purged customer', async () => {
    const { customer } = await seedFull('Reuse', '+4930726219981');
    await gql<PurgePayload>(t, PURGE, { id: customer.id });
    const again = await gql<{ createCustomer: { customer: { id: string } | null; userErrors: UserErrorView[] } }>(
      t,
      'mutation { createCustomer(input: { externalId: "ext-Reuse", givenName: "Other" }, idempotencyKey: "key-Reuse") { customer { id } userErrors { code } } }',
    );
    expect(again.createCustomer.userErrors).toEqual([]);
    expect(again.createCustomer.customer!.id).not.toBe(customer.id);
  });

  it('answers NOT_FOUND for an unknown id and for a second purge', async () => {
    const unknown = await gql<PurgePayload>(t, PURGE, { id: ABSENT_CUSTOMER_ID });
    expect(unknown.purgeCustomer).toEqual({ deletedCustomerId: null, userErrors: [{ code: 'NOT_FOUND', field: ['id'] }] });
    const { customer } = await seedFull('Twice', '+4930726219991');
    await gql<PurgePayload>(t, PURGE, { id: customer.id });
    const second = await gql<PurgePayload>(t, PURGE, { id: customer.id });
    expect(second.purgeCustomer.userErrors.map((error) => error.code)).toEqual(['NOT_FOUND']);
  });

  it('erases everything or nothing: a failure part-way rolls the whole purge back', async () => {
    const { customer } = await seedFull('Atomic', '+4930726219931');
    const before = await rowsAbout(customer.id);
    const service = t.server.services.customers;
    const spy = jest.spyOn(IdempotencyRepository.prototype, 'deleteByCustomer').mockRejectedValueOnce(new Error('disk on fire'));
    try {
      await expect(service.purge('default', customer.id)).rejects.toThrow('disk on fire');
    } finally {
      spy.mockRestore();
    }
    expect(await rowsAbout(customer.id)).toEqual(before);
  });
});

import { CustomerView, UserErrorView } from '../helpers/customer-api';
import { describeDb, startTestServer, TestServer } from '../helpers/test-server';

interface CreatePayload {
  createCustomer: { customer: Pick<CustomerView, 'id' | 'givenName'> | null; userErrors: UserErrorView[] };
}

const CREATE = /* GraphQL */ `
  mutation ($input: CreateCustomerInput!, $key: String) {
    createCustomer(input: $input, idempotencyKey: $key) {
      customer {
        id
        givenName
      }
      userErrors {
        field
        code
      }
    }
  }
`;

describeDb('createCustomer with an idempotency key', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.close());

  async function create(input: Record<string, unknown>, key?: string): Promise<CreatePayload['createCustomer']> {
    const response = await t.graphql<CreatePayload>(CREATE, { input, key });
    if (response.errors?.length) throw new Error(`unexpected errors: ${JSON.stringify(response.errors)}`);
    return response.data!.createCustomer;
  }

  async function countNamed(familyName: string): Promise<number> {
    const [row] = await t.sql<{ n: number | string }>('SELECT COUNT(*) AS n FROM customers WHERE family_name = ?', [familyName]);
    return Number(row!.n);
  }

  async function keyRows(key: string): Promise<Array<{ customer_id: string }>> {
    return t.sql<{ customer_id: string }>('SELECT customer_id FROM idempotency_keys WHERE idempotency_key = ?', [key]);
  }

  it.each([
    ['empty', ''],
    ['256 characters long', 'k'.repeat(256)],
    ['256 astral characters long', '😀'.repeat(256)],
  ])('refuses a key that is %s with INVALID at ["idempotencyKey"] and writes nothing', async (_name, key) => {
    const payload = await create({ givenName: 'Keyed', familyName: 'Invalidkey' }, key);
    expect(payload).toEqual({ customer: null, userErrors: [{ field: ['idempotencyKey'], code: 'INVALID' }] });
    expect(await countNamed('Invalidkey')).toBe(0);
  });

  it.each([
    ['1 character', 'a'],
    ['255 characters', 'k'.repeat(254) + 'z'],
    ['255 astral characters', '😀'.repeat(255)],
  ])('accepts a key of %s and replays it', async (_name, key) => {
    const familyName = `Lengthkey${key.length}${key.charCodeAt(0)}`.replace(/\d/g, (digit) => 'abcdefghij'[Number(digit)]!);
    const first = await create({ givenName: 'Keyed', familyName }, key);
    expect(first.userErrors).toEqual([]);
    const retry = await create({ givenName: 'Keyed', familyName }, key);
    expect(retry).toEqual(first);
    expect(await countNamed(familyName)).toBe(1);
    expect(await keyRows(key)).toEqual([{ customer_id: first.customer!.id }]);
  });

  it('returns the first customer on a retry and creates no second row', async () => {
    const input = { givenName: 'Retry', familyName: 'Retried', emailAddress: 'retry@example.com' };
    const first = await create(input, 'retry-key');
    const second = await create(input, 'retry-key');
    expect(first.customer).not.toBeNull();
    expect(second).toEqual(first);
    expect(await countNamed('Retried')).toBe(1);
  });

  it('refuses the same key with a different input with IDEMPOTENCY_KEY_REUSED and writes nothing', async () => {
    const first = await create({ givenName: 'Reuse', familyName: 'Reusedkey' }, 'reuse-key');
    expect(first.userErrors).toEqual([]);
    const other = await create({ givenName: 'Reuse', familyName: 'Otherinput' }, 'reuse-key');
    expect(other).toEqual({ customer: null, userErrors: [{ field: ['idempotencyKey'], code: 'IDEMPOTENCY_KEY_REUSED' }] });
    expect(await countNamed('Otherinput')).toBe(0);
    expect(await keyRows('reuse-key')).toEqual([{ customer_id: first.customer!.id }]);
  });

  it('creates exactly one customer for 20 concurrent requests with one key, and every response carries its id', async () => {
    const input = { givenName: 'Racer', familyName: 'Concurrentkey' };
    const responses = await Promise.all(Array.from({ length: 20 }, () => create(input, 'concurrent-key')));
    const [row] = await t.sql<{ id: string }>('SELECT id FROM customers WHERE family_name = ?', ['Concurrentkey']);
    expect(await countNamed('Concurrentkey')).toBe(1);
    expect(responses.map((response) => response.userErrors)).toEqual(Array.from({ length: 20 }, () => []));
    expect(responses.map((response) => response.customer?.id)).toEqual(Array.from({ length: 20 }, () => row!.id));
  });

  it('returns the first customer on a retry with an externalId instead of TAKEN', async () => {
    const input = { givenName: 'Synced', familyName: 'Externalretry', externalId: 'ext-idem-retry' };
    const first = await create(input, 'external-retry-key');
    expect(first.userErrors).toEqual([]);
    const retry = await create(input, 'external-retry-key');
    expect(retry).toEqual(first);
    expect(await countNamed('Externalretry')).toBe(1);
  });

  it('creates one customer for 20 concurrent retries with an externalId and one key, and answers each with its id', async () => {
    const input = { givenName: 'Racer', familyName: 'Externalrace', externalId: 'ext-idem-race' };
    const responses = await Promise.all(Array.from({ length: 20 }, () => create(input, 'external-race-key')));
    const rows = await t.sql<{ id: string }>('SELECT id FROM customers WHERE family_name = ?', ['Externalrace']);
    expect(rows).toHaveLength(1);
    expect(responses.map((response) => response.userErrors)).toEqual(Array.from({ length: 20 }, () => []));
    expect(responses.map((response) => response.customer?.id)).toEqual(Array.from({ length: 20 }, () => rows[0]!.id));
    expect(await keyRows('external-race-key')).toEqual([{ customer_id: rows[0]!.id }]);
  });

  it('refuses the same key with a changed externalId with IDEMPOTENCY_KEY_REUSED and writes nothing', async () => {
    const first = await create({ givenName: 'Synced', familyName: 'Externalreuse', externalId: 'ext-idem-reuse-1' }, 'external-reuse-key');
    expect(first.userErrors).toEqual([]);
    const other = await create({ givenName: 'Synced', familyName: 'Externalreuse', externalId: 'ext-idem-reuse-2' }, 'external-reuse-key');
    expect(other).toEqual({ customer: null, userErrors: [{ field: ['idempotencyKey'], code: 'IDEMPOTENCY_KEY_REUSED' }] });
    expect(await countNamed('Externalreuse')).toBe(1);
    expect(await t.sql('SELECT id FROM customers WHERE external_id = ?', ['ext-idem-reuse-2'])).toEqual([]);
    expect(await keyRows('external-reuse-key')).toEqual([{ customer_id: first.customer!.id }]);
  });

  it('answers TAKEN and keeps no claim when a new key meets an externalId another customer holds', async () => {
    const holder = await create({ givenName: 'Holder', familyName: 'Externalheld', externalId: 'ext-idem-held' });
    expect(holder.userErrors).toEqual([]);
    const refused = await create({ givenName: 'Other', familyName: 'Externalheld', externalId: 'ext-idem-held' }, 'held-key');
    expect(refused).toEqual({ customer: null, userErrors: [{ field: ['input', 'externalId'], code: 'TAKEN' }] });
    expect(await keyRows('held-key')).toEqual([]);
    expect(await countNamed('Externalheld')).toBe(1);
  });

  it('removes expired keys when deleteExpiredIdempotencyKeys runs', async () => {
    const first = await create({ givenName: 'Expired', familyName: 'Cleanedup' }, 'expired-key');
    const live = await create({ givenName: 'Live', familyName: 'Stillhere' }, 'live-key');
    expect(first.userErrors).toEqual([]);
    expect(live.userErrors).toEqual([]);
    await t.sql("UPDATE idempotency_keys SET expires_at = '2000-01-01 00:00:00.000' WHERE idempotency_key = ?", ['expired-key']);
    const removed = await t.server.services.customers.deleteExpiredIdempotencyKeys();
    expect(removed).toBeGreaterThanOrEqual(1);
    expect(await keyRows('expired-key')).toEqual([]);
    expect(await keyRows('live-key')).toEqual([{ customer_id: live.customer!.id }]);
  });

  it('lets an expired key be used again, also for a different input, before any clean-up ran', async () => {
    const first = await create({ givenName: 'Old', familyName: 'Expiredreuse' }, 'expiring-key');
    await t.sql("UPDATE idempotency_keys SET expires_at = '2000-01-01 00:00:00.000' WHERE idempotency_key = ?", ['expiring-key']);
    const second = await create({ givenName: 'New', familyName: 'Expiredreuse' }, 'expiring-key');
    expect(second.userErrors).toEqual([]);
    expect(second.customer!.id).not.toBe(first.customer!.id);
    expect(second.customer!.givenName).toBe('New');
    expect(await keyRows('expiring-key')).toEqual([{ customer_id: second.customer!.id }]);
    expect(await countNamed('Expiredreuse')).toBe(2);
  });

  it('creates distinct customers for equal inputs without a key', async () => {
    const input = { givenName: 'Twin', familyName: 'Withoutkey' };
    const first = await create(input);
    const second = await create(input);
    expect(first.customer!.id).not.toBe(second.customer!.id);
    expect(await countNamed('Withoutkey')).toBe(2);
  });
});

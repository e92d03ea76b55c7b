import { ChannelType } from '../../src/core/channel-type';
import { CustomerEntity } from '../../src/data/entities/customer.entity';
import { IDEMPOTENCY_KEY_TTL_MS } from '../../src/domain/customer/customer-idempotency';
import { MAX_BULK_UPSERT } from '../../src/domain/customer/customer-upsert';
import { DomainHarness, openDomain } from '../helpers/domain';

const BRAND = 'brand-a';
const OTHER_BRAND = 'brand-b';
const MINUTE = 60_000;

describe('CustomerService (domain rules on SQLite, manual clock)', () => {
  let domain: DomainHarness;
  beforeEach(async () => {
    domain = await openDomain();
  });
  afterEach(() => domain.close());

  const customers = () => domain.services.customers;
  const create = (input: Parameters<DomainHarness['services']['customers']['create']>[1], key: string | null = null) =>
    customers().create(BRAND, input, key);
  const createOk = async (input: Parameters<DomainHarness['services']['customers']['create']>[1]): Promise<CustomerEntity> => {
    const result = await create(input);
    expect(result.userErrors).toEqual([]);
    return result.customer!;
  };
  const stored = async (id: string) => (await customers().findByIds(BRAND, [id], true))[0];
  const storedCount = async () => (await domain.database.dataSource.query('SELECT COUNT(*) AS n FROM customers'))[0].n as number;
  const timeline = async (id: string) => {
    const pages = await domain.services.activities.pages(BRAND, [id], { first: 100 }, () => Promise.resolve(0));
    const page = pages.get(id);
    if (!page || page instanceof Error) throw new Error('no timeline');
    return page.nodes;
  };

  describe('create', () => {
    it('stamps the clock on the row and its customer.created activity, at version 1', async () => {
      const customer = await createOk({ givenName: 'Ada', familyName: 'Lovelace' });
      expect(customer).toMatchObject({ version: 1, createdAt: domain.clock.now(), updatedAt: domain.clock.now(), deletedAt: null });
      const activities = await timeline(customer.id);
      expect(activities.map((activity) => [activity.type, activity.occurredAt.toISOString()])).toEqual([
        ['customer.created', domain.clock.now().toISOString()],
      ]);
    });

    it('refuses a customer without any name and writes nothing', async () => {
      const result = await create({ givenName: '  ', familyName: '' });
      expect(result.customer).toBeNull();
      expect(result.userErrors.map((error) => [error.field, error.code])).toEqual([[['input', 'givenName'], 'BLANK']]);
      expect(await storedCount()).toBe(0);
    });

    it('reports every refused field at its own path in one answer', async () => {
      const result = await create({
        givenName: 'Ada',
        emailAddress: 'not-an-address',
        channels: [{ type: ChannelType.EMAIL, value: 'nope' }],
        flags: ['kyc_verified', 'no_such_flag'],
      });
      expect(result.userErrors.map((error) => [error.field?.join('.'), error.code])).toEqual([
        ['input.emailAddress', 'INVALID'],
        ['input.channels.0.value', 'INVALID'],
        ['input.flags.0', 'READ_ONLY_FLAG'],
        ['input.flags.1', 'UNKNOWN_FLAG'],
      ]);
      expect(await storedCount()).toBe(0);
    });

    it('stores repeated channels and flags once', async () => {
      const customer = await createOk({
        givenName: 'Ada',
        channels: [
          { type: ChannelType.EMAIL, value: 'ada@example.com' },
          { type: ChannelType.EMAIL, value: 'ada@example.com' },
        ],
        flags: ['vip', 'vip'],
      });
      const channels = await domain.services.channels.byCustomers(BRAND, [customer.id], null);
      expect((channels.get(customer.id) ?? []).map((channel) => channel.value)).toEqual(['ada@example.com']);
      expect((await domain.services.flags.counts(BRAND, [customer.id])).get(customer.id)).toBe(1);
    });

    it('refuses an external id another customer of the brand holds (TAKEN), and allows it in another brand', async () => {
      await createOk({ givenName: 'Ada', externalId: 'crm-1' });
      const taken = await create({ givenName: 'Grace', externalId: 'crm-1' });
      expect(taken.userErrors.map((error) => [error.field, error.code])).toEqual([[['input', 'externalId'], 'TAKEN']]);
      const elsewhere = await customers().create(OTHER_BRAND, { givenName: 'Grace', externalId: 'crm-1' });
      expect(elsewhere.userErrors).toEqual([]);
    });
  });

  describe('idempotency keys', () => {
    it('answers a retry with the customer the key created, and refuses the key with another input', async () => {
      const first = await create({ givenName: 'Ada' }, 'key-1');
      const retry = await create({ givenName: 'Ada' }, 'key-1');
      expect(retry.customer?.id).toBe(first.customer!.id);
      const other = await create({ givenName: 'Grace' }, 'key-1');
      expect(other.userErrors.map((error) => error.code)).toEqual(['IDEMPOTENCY_KEY_REUSED']);
      expect(await storedCount()).toBe(1);
    });

    it('frees a key after 24 hours: the same request then creates a second customer', async () => {
      const first = await create({ givenName: 'Ada' }, 'key-1');
      domain.clock.advance(IDEMPOTENCY_KEY_TTL_MS - 1);
      expect((await create({ givenName: 'Ada' }, 'key-1')).customer?.id).toBe(first.customer!.id);
      domain.clock.advance(1);
      const later = await create({ givenName: 'Ada' }, 'key-1');
      expect(later.customer?.id).not.toBe(first.customer!.id);
      expect(await storedCount()).toBe(2);
    });

    it('deletes exactly the keys older than 24 hours', async () => {
      await create({ givenName: 'Ada' }, 'old');
      domain.clock.advance(12 * 60 * MINUTE);
      await create({ givenName: 'Grace' }, 'young');
      domain.clock.advance(12 * 60 * MINUTE);
      expect(await customers().deleteExpiredIdempotencyKeys()).toBe(1);
      expect(await customers().deleteExpiredIdempotencyKeys()).toBe(0);
    });

    it('refuses an empty key without writing', async () => {
      const result = await create({ givenName: 'Ada' }, '');
      expect(result.userErrors.map((error) => [error.field, error.code])).toEqual([[['idempotencyKey'], 'INVALID']]);
      expect(await storedCount()).toBe(0);
    });
  });

  describe('update', () => {
    it('moves the version by one and stamps updatedAt from the clock, keeping createdAt', async () => {
      const customer = await createOk({ givenName: 'Ada' });
      const later = domain.clock.advance(5 * MINUTE);
      const result = await customers().update(BRAND, { id: customer.id, familyName: 'Lovelace' });
      expect(result.customer).toMatchObject({ version: 2, updatedAt: later, createdAt: customer.createdAt, familyName: 'Lovelace' });
      const [updated] = await timeline(customer.id);
      expect(updated).toMatchObject({ type: 'customer.updated', data: { changedFields: ['familyName'] } });
    });

    it('changes nothing when the values are the ones stored: same version, same updatedAt, no activity', async () => {
      const customer = await createOk({ givenName: 'Ada' });
      domain.clock.advance(MINUTE);
      const result = await customers().update(BRAND, { id: customer.id, givenName: 'Ada' });
      expect(result.customer).toMatchObject({ version: 1, updatedAt: customer.updatedAt });
      expect(await timeline(customer.id)).toHaveLength(1);
    });

    it('refuses a stale expectedVersion with VERSION_CONFLICT and leaves the row alone', async () => {
      const customer = await createOk({ givenName: 'Ada' });
      await customers().update(BRAND, { id: customer.id, givenName: 'Ada B.' });
      const stale = await customers().update(BRAND, { id: customer.id, givenName: 'Ada C.', expectedVersion: 1 });
      expect(stale.userErrors.map((error) => [error.field, error.code])).toEqual([[['input', 'expectedVersion'], 'VERSION_CONFLICT']]);
      expect(await stored(customer.id)).toMatchObject({ givenName: 'Ada B.', version: 2 });
    });

    it("treats a soft-deleted customer and another brand's customer as absent (NOT_FOUND)", async () => {
      const customer = await createOk({ givenName: 'Ada' });
      const elsewhere = await customers().update(OTHER_BRAND, { id: customer.id, givenName: 'X' });
      expect(elsewhere.userErrors.map((error) => error.code)).toEqual(['NOT_FOUND']);
      await customers().softDelete(BRAND, customer.id);
      const deleted = await customers().update(BRAND, { id: customer.id, givenName: 'X' });
      expect(deleted.userErrors.map((error) => [error.field, error.code])).toEqual([[['input', 'id'], 'NOT_FOUND']]);
    });
  });

  describe('upsert', () => {
    it('creates on the first call and updates on the second', async () => {
      const created = await customers().upsert(BRAND, { externalId: 'crm-1', givenName: 'Ada' });
      domain.clock.advance(MINUTE);
      const updated = await customers().upsert(BRAND, { externalId: 'crm-1', familyName: 'Lovelace' });
      expect([created.created, updated.created]).toEqual([true, false]);
      expect(updated.customer).toMatchObject({ id: created.customer!.id, version: 2, givenName: 'Ada', familyName: 'Lovelace' });
    });

    it('applies several inputs for one external id in input order, each to the result of the one before', async () => {
      const { results } = await customers().upsertMany(BRAND, [
        { externalId: 'crm-1', givenName: 'Ada' },
        { externalId: 'crm-1', familyName: 'Lovelace' },
        { externalId: 'crm-1', givenName: 'Augusta' },
      ]);
      expect(results.map((result) => [result.created, result.customer?.version])).toEqual([
        [true, 1],
        [false, 2],
        [false, 3],
      ]);
      expect(await storedCount()).toBe(1);
      expect(results[2]!.customer).toMatchObject({ givenName: 'Augusta', familyName: 'Lovelace' });
    });

    it('writes the valid inputs of a batch and reports the others at their index', async () => {
      const { results } = await customers().upsertMany(BRAND, [
        { externalId: 'crm-1', givenName: 'Ada' },
        { externalId: 'crm-2', givenName: 'Grace', emailAddress: 'broken' },
        { externalId: 'crm-3', givenName: '' },
      ]);
      expect(results.map((result) => result.userErrors.map((error) => [error.field?.join('.'), error.code]))).toEqual([
        [],
        [['inputs.1.emailAddress', 'INVALID']],
        [['inputs.2.givenName', 'BLANK']],
      ]);
      expect(await storedCount()).toBe(1);
    });

    it(`refuses more than ${MAX_BULK_UPSERT} inputs with LIMIT_EXCEEDED and writes none`, async () => {
      const inputs = Array.from({ length: MAX_BULK_UPSERT + 1 }, (_, index) => ({ externalId: `crm-${index}`, givenName: 'Ada' }));
      const result = await customers().upsertMany(BRAND, inputs);
      expect(result.userErrors.map((error) => [error.field, error.code])).toEqual([[['inputs'], 'LIMIT_EXCEEDED']]);
      expect(await storedCount()).toBe(0);
    });

    it('brings a soft-deleted customer back', async () => {
      const created = await customers().upsert(BRAND, { externalId: 'crm-1', givenName: 'Ada' });
      await customers().softDelete(BRAND, created.customer!.id);
      const revived = await customers().upsert(BRAND, { externalId: 'crm-1', givenName: 'Ada' });
      expect(revived).toMatchObject({ created: false, customer: { id: created.customer!.id, deletedAt: null, version: 3 } });
    });
  });

  describe('delete and purge', () => {
    it('soft delete stamps deletedAt from the clock and hides the customer from lists unless includeDeleted', async () => {
      const customer = await createOk({ givenName: 'Ada' });
      const at = domain.clock.advance(MINUTE);
      await customers().softDelete(BRAND, customer.id);
      expect(await stored(customer.id)).toMatchObject({ deletedAt: at, version: 2 });
      expect((await customers().list(BRAND, { first: 10 })).nodes).toEqual([]);
      expect((await customers().list(BRAND, { first: 10, filter: { includeDeleted: true } })).nodes.map((row) => row.id)).toEqual([
        customer.id,
      ]);
    });

    it('purge erases the customer with its channels, flags and activities; a second purge is NOT_FOUND', async () => {
      const customer = await createOk({
        givenName: 'Ada',
        channels: [{ type: ChannelType.EMAIL, value: 'a@example.com' }],
        flags: ['vip'],
      });
      expect(await customers().purge(BRAND, customer.id)).toEqual({ deletedCustomerId: customer.id, userErrors: [] });
      for (const table of ['customers', 'customer_channels', 'customer_flags', 'customer_activities']) {
        expect((await domain.database.dataSource.query(`SELECT COUNT(*) AS n FROM ${table}`))[0].n).toBe(0);
      }
      const again = await customers().purge(BRAND, customer.id);
      expect(again.userErrors.map((error) => [error.field, error.code])).toEqual([[['id'], 'NOT_FOUND']]);
    });
  });

  describe('list', () => {
    it('pages forward with cursors, each customer once, in creation order by default', async () => {
      const ids: string[] = [];
      for (let index = 0; index < 5; index += 1) {
        ids.push((await createOk({ givenName: 'Ada', familyName: 'ABCDE'[index] })).id);
        domain.clock.advance(1);
      }
      const seen: string[] = [];
      let after: string | null = null;
      for (let page = 0; page < 5; page += 1) {
        const connection = await customers().list(BRAND, { first: 2, after });
        seen.push(...connection.nodes.map((row) => row.id));
        if (!connection.pageInfo.hasNextPage) break;
        after = connection.pageInfo.endCursor;
      }
      expect(seen).toEqual(ids);
    });

    it('refuses a cursor issued for another filter', async () => {
      await createOk({ givenName: 'Ada' });
      await createOk({ givenName: 'Adam' });
      const page = await customers().list(BRAND, { first: 1, filter: { name: 'ada' } });
      await expect(customers().list(BRAND, { first: 1, after: page.pageInfo.endCursor })).rejects.toMatchObject({
        extensions: { code: 'BAD_USER_INPUT' },
      });
    });
  });
});

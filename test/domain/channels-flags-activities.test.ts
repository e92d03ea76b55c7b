import { ABSENT_CUSTOMER_ID, ABSENT_CHANNEL_ID } from '../helpers/ids';
import { ChannelType } from '../../src/core/channel-type';
import { CustomerEventType } from '../../src/core/customer-event-type';
import { CustomerEntity } from '../../src/data/entities/customer.entity';
import { DomainHarness, openDomain } from '../helpers/domain';

const BRAND = 'brand-a';
const MINUTE = 60_000;

describe('channels, flags, activities and events (domain rules on SQLite, manual clock)', () => {
  let domain: DomainHarness;
  let customer: CustomerEntity;
  beforeEach(async () => {
    domain = await openDomain();
    const created = await domain.services.customers.create(BRAND, { givenName: 'Ada', familyName: 'Lovelace' });
    customer = created.customer!;
  });
  afterEach(() => domain.close());

  const current = async () => (await domain.services.customers.findByIds(BRAND, [customer.id], true))[0]!;
  const eventsOf = async () => {
    const feed = await domain.services.events.feed(BRAND, { first: 100, filter: { customerId: customer.id } });
    return feed.nodes.map((event) => [event.type, event.sequence]);
  };

  describe('channels', () => {
    it('adds a channel as one change: version up, updatedAt from the clock', async () => {
      const at = domain.clock.advance(MINUTE);
      const added = await domain.services.channels.add(BRAND, customer.id, { type: ChannelType.TELEPHONE, value: '+44 20 7946 0958' });
      expect(added.userErrors).toEqual([]);
      expect(added.channel).toMatchObject({ type: 'TELEPHONE', value: '+442079460958', createdAt: at });
      expect(await current()).toMatchObject({ version: 2, updatedAt: at });
    });

    it('adding the same type and value again returns the stored channel and changes nothing', async () => {
      const first = await domain.services.channels.add(BRAND, customer.id, { type: ChannelType.EMAIL, value: 'ada@example.com' });
      domain.clock.advance(MINUTE);
      const again = await domain.services.channels.add(BRAND, customer.id, { type: ChannelType.EMAIL, value: 'ada@example.com' });
      expect(again.channel?.id).toBe(first.channel!.id);
      expect((await current()).version).toBe(2);
    });

    it('refuses an invalid value, an absent customer and an absent channel', async () => {
      const invalid = await domain.services.channels.add(BRAND, customer.id, { type: ChannelType.EMAIL, value: 'nope' });
      expect(invalid.userErrors.map((error) => [error.field, error.code])).toEqual([[['channel', 'value'], 'INVALID']]);
      const absent = await domain.services.channels.add(BRAND, ABSENT_CUSTOMER_ID, { type: ChannelType.OTHER, value: 'x' });
      expect(absent.userErrors.map((error) => error.code)).toEqual(['NOT_FOUND']);
      const noChannel = await domain.services.channels.remove(BRAND, customer.id, ABSENT_CHANNEL_ID);
      expect(noChannel.userErrors.map((error) => [error.field, error.code])).toEqual([[['channelId'], 'NOT_FOUND']]);
      expect((await current()).version).toBe(1);
    });
  });

  describe('flags', () => {
    it('adds a registry flag once: the second add is no change', async () => {
      await domain.services.flags.add(BRAND, customer.id, 'vip');
      const again = await domain.services.flags.add(BRAND, customer.id, 'vip');
      expect(again.customer?.version).toBe(2);
      expect((await domain.services.flags.counts(BRAND, [customer.id])).get(customer.id)).toBe(1);
    });

    it('refuses read-only and unknown flags at ["flag"]', async () => {
      const readOnly = await domain.services.flags.add(BRAND, customer.id, 'kyc_verified');
      const unknown = await domain.services.flags.remove(BRAND, customer.id, 'no_such_flag');
      expect([...readOnly.userErrors, ...unknown.userErrors].map((error) => [error.field, error.code])).toEqual([
        [['flag'], 'READ_ONLY_FLAG'],
        [['flag'], 'UNKNOWN_FLAG'],
      ]);
    });

    it('removing a flag the customer lacks changes nothing', async () => {
      const result = await domain.services.flags.remove(BRAND, customer.id, 'vip');
      expect(result).toMatchObject({ userErrors: [], customer: { version: 1 } });
    });
  });

  describe('activities', () => {
    it('records an external activity at the clock when occurredAt is not given, without a new version', async () => {
      const at = domain.clock.advance(MINUTE);
      const result = await domain.services.activities.record(BRAND, { customerId: customer.id, type: 'order.placed' });
      expect(result.activity).toMatchObject({ origin: 'EXTERNAL', occurredAt: at, recordedAt: at });
      expect((await current()).version).toBe(1);
    });

    it('reserves the customer. types for the service, in any letter case', async () => {
      const result = await domain.services.activities.record(BRAND, { customerId: customer.id, type: 'Customer.Updated' });
      expect(result.userErrors.map((error) => [error.field, error.code])).toEqual([[['input', 'type'], 'INVALID']]);
    });

    it('shows the timeline newest first', async () => {
      domain.clock.advance(MINUTE);
      await domain.services.activities.record(BRAND, { customerId: customer.id, type: 'order.placed' });
      const pages = await domain.services.activities.pages(BRAND, [customer.id], { first: 10 }, () => Promise.resolve(0));
      const page = pages.get(customer.id);
      if (!page || page instanceof Error) throw new Error('no timeline');
      expect(page.nodes.map((activity) => activity.type)).toEqual(['order.placed', 'customer.created']);
    });
  });

  describe('events', () => {
    it("numbers each customer's events 1, 2, 3, … in commit order", async () => {
      await domain.services.flags.add(BRAND, customer.id, 'vip');
      await domain.services.customers.update(BRAND, { id: customer.id, givenName: 'Augusta' });
      await domain.services.customers.softDelete(BRAND, customer.id);
      expect(await eventsOf()).toEqual([
        [CustomerEventType.CREATED, 1],
        [CustomerEventType.FLAG_ADDED, 2],
        [CustomerEventType.UPDATED, 3],
        [CustomerEventType.DELETED, 4],
      ]);
    });

    it('writes no event for a refused or idempotent change', async () => {
      await domain.services.flags.add(BRAND, customer.id, 'kyc_verified');
      await domain.services.customers.update(BRAND, { id: customer.id, givenName: 'Ada' });
      await domain.services.customers.update(BRAND, { id: customer.id, givenName: 'Ada', expectedVersion: 7 });
      expect(await eventsOf()).toEqual([[CustomerEventType.CREATED, 1]]);
    });
  });
});

describe('event sequencer (domain, SQLite)', () => {
  let domain: DomainHarness;
  beforeEach(async () => {
    domain = await openDomain();
  });
  afterEach(() => domain.close());

  it('tells its listeners after every numbered batch of 1,000, so a relay can publish while the next is numbered', async () => {
    const inputs = Array.from({ length: 1000 }, (_, index) => ({ externalId: `seq-${index}`, givenName: 'Ada' }));
    for (let round = 0; round < 3; round += 1) {
      await domain.services.customers.upsertMany(
        BRAND,
        inputs.map((input) => ({ ...input, externalId: `${input.externalId}-${round}` })),
      );
    }
    let batches = 0;
    const stop = domain.services.eventSequencer.onBatchNumbered(() => (batches += 1));
    expect(await domain.services.eventSequencer.catchUp()).toBe(3000);
    expect(batches).toBe(3);
    stop();
    await domain.services.customers.upsert(BRAND, { externalId: 'seq-late', givenName: 'Ada' });
    expect(await domain.services.eventSequencer.catchUp()).toBe(1);
    expect(batches).toBe(3);
  });
});

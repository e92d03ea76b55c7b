import { useServerWithCustomer } from '../helpers/fixtures';
import { ABSENT_CUSTOMER_ID, ABSENT_CHANNEL_ID } from '../helpers/ids';
import { createCustomer, createValidCustomer, CustomerView, gql, uniqueLetters } from '../helpers/customer-api';
import { addChannel, ChannelView, clockPast, countChildRows, removeChannel, storedActivities, versionOf } from '../helpers/nested-api';
import { describeDb, TestServer } from '../helpers/test-server';

// Jest reads testTimeout from the root config only, not per project: without this, a busy machine hits the 5 s default while MariaDB creates and migrates the test database.
jest.setTimeout(60_000);

async function channelsOf(t: TestServer, id: string, type?: string): Promise<ChannelView[]> {
  const data = await gql<{ customer: { channels: ChannelView[] } }>(
    t,
    'query($id: ID!, $type: ChannelType) { customer(id: $id) { channels(type: $type) { id type value createdAt } } }',
    { id, type },
  );
  return data.customer.channels;
}

async function idsMatchingChannelValue(t: TestServer, channelValue: string): Promise<string[]> {
  const data = await gql<{ customers: { nodes: Array<{ id: string }> } }>(
    t,
    'query($channelValue: String) { customers(first: 100, filter: { channelValue: $channelValue }) { nodes { id } } }',
    { channelValue },
  );
  return data.customers.nodes.map((node) => node.id);
}

describeDb('customer channels', () => {
  const fixture = useServerWithCustomer('Chan');
  let t: TestServer;
  let customer: CustomerView;
  beforeEach(() => {
    ({ t, customer } = fixture.current());
  });

  describe('Mutation.addCustomerChannel', () => {
    it('adds an e-mail channel, bumps the version, moves updatedAt and records customer.channel_added', async () => {
      await clockPast(customer.updatedAt);
      const payload = await addChannel(t, customer.id, { type: 'EMAIL', value: 'Chan@Example.com' });
      expect(payload.userErrors).toEqual([]);
      expect(payload.channel).toEqual({
        id: expect.stringMatching(/^chn_/),
        type: 'EMAIL',
        value: 'Chan@Example.com',
        createdAt: expect.any(String),
      });
      expect(payload.customer).toEqual({ id: customer.id, version: 2, updatedAt: expect.any(String) });
      expect(Date.parse(payload.customer!.updatedAt)).toBeGreaterThan(Date.parse(customer.updatedAt));
      expect(await versionOf(t, customer.id)).toEqual({ version: 2, updatedAt: payload.customer!.updatedAt });
      expect(await channelsOf(t, customer.id)).toEqual([payload.channel]);
      const activities = await storedActivities(t, customer.id);
      expect(activities.map((row) => row.type)).toEqual(['customer.created', 'customer.channel_added']);
      expect(JSON.parse(activities[1]!.data)).toEqual({ channelId: payload.channel!.id, type: 'EMAIL' });
    });

    it.each([
      ['TELEPHONE', '+49 30 726219941'],
      ['WHATSAPP', '+49 (30) 7262-19941'],
    ])('stores a %s value as E.164', async (type, value) => {
      const payload = await addChannel(t, customer.id, { type, value });
      expect(payload.userErrors).toEqual([]);
      expect(payload.channel).toMatchObject({ type, value: '+4930726219941' });
      expect(await channelsOf(t, customer.id)).toEqual([payload.channel]);
    });

    it.each([
      ['EMAIL', 'not-an-address'],
      ['EMAIL', ''],
      ['TELEPHONE', 'garbage'],
      ['WHATSAPP', '12'],
      ['FACEBOOK', ''],
      ['TWITTER', '   '],
      ['OTHER', 'x'.repeat(256)],
    ])('refuses a %s channel with value %p as INVALID at ["channel","value"] and writes nothing', async (type, value) => {
      const payload = await addChannel(t, customer.id, { type, value });
      expect(payload).toEqual({
        channel: null,
        customer: null,
        userErrors: [{ field: ['channel', 'value'], code: 'INVALID', message: expect.any(String) }],
      });
      expect(await countChildRows(t, 'customer_channels', customer.id)).toBe(0);
      expect((await versionOf(t, customer.id)).version).toBe(1);
    });

    it('accepts other channel types of 1 and of 255 characters, trimmed', async () => {
      const one = await addChannel(t, customer.id, { type: 'FACEBOOK', value: ' f ' });
      const long = await addChannel(t, customer.id, { type: 'OTHER', value: 'o'.repeat(255) });
      expect(one.channel).toMatchObject({ type: 'FACEBOOK', value: 'f' });
      expect(long.channel).toMatchObject({ type: 'OTHER', value: 'o'.repeat(255) });
      expect(one.userErrors).toEqual([]);
      expect(long.userErrors).toEqual([]);
    });

    it('stores the same type and value once: the second add returns the existing channel, no version bump, no activity', async () => {
      const first = await addChannel(t, customer.id, { type: 'TELEPHONE', value: '+4930726219941' });
      const second = await addChannel(t, customer.id, { type: 'TELEPHONE', value: '+49 30 726219941' });
      expect(second.userErrors).toEqual([]);
      expect(second.channel).toEqual(first.channel);
      expect(second.customer).toEqual(first.customer);
      expect(second.customer!.version).toBe(2);
      expect(await countChildRows(t, 'customer_channels', customer.id)).toBe(1);
      expect((await storedActivities(t, customer.id)).map((row) => row.type)).toEqual(['customer.created', 'customer.channel_added']);
    });

    it('keeps the same value under another type as a separate channel', async () => {
      await addChannel(t, customer.id, { type: 'TELEPHONE', value: '+4930726219941' });
      const whatsapp = await addChannel(t, customer.id, { type: 'WHATSAPP', value: '+4930726219941' });
      expect(whatsapp.customer!.version).toBe(3);
      expect(await countChildRows(t, 'customer_channels', customer.id)).toBe(2);
    });

    it('refuses an unknown customer with NOT_FOUND at ["customerId"]', async () => {
      const payload = await addChannel(t, ABSENT_CUSTOMER_ID, { type: 'OTHER', value: 'x' });
      expect(payload).toEqual({
        channel: null,
        customer: null,
        userErrors: [{ field: ['customerId'], code: 'NOT_FOUND', message: expect.any(String) }],
      });
      expect(await countChildRows(t, 'customer_channels', ABSENT_CUSTOMER_ID)).toBe(0);
    });
  });

  describe('Mutation.removeCustomerChannel', () => {
    it('removes a channel, bumps the version and records customer.channel_removed', async () => {
      const added = await addChannel(t, customer.id, { type: 'TWITTER', value: '@chan' });
      await clockPast(added.customer!.updatedAt);
      const payload = await removeChannel(t, customer.id, added.channel!.id);
      expect(payload.userErrors).toEqual([]);
      expect(payload.customer).toMatchObject({ id: customer.id, version: 3 });
      expect(Date.parse(payload.customer!.updatedAt)).toBeGreaterThan(Date.parse(added.customer!.updatedAt));
      expect(await channelsOf(t, customer.id)).toEqual([]);
      const activities = await storedActivities(t, customer.id);
      expect(activities.map((row) => row.type)).toEqual(['customer.created', 'customer.channel_added', 'customer.channel_removed']);
      expect(JSON.parse(activities[2]!.data)).toEqual({ channelId: added.channel!.id, type: 'TWITTER' });
    });

    it('refuses an unknown channel id with NOT_FOUND at ["channelId"] and changes nothing', async () => {
      await addChannel(t, customer.id, { type: 'OTHER', value: 'keep' });
      const payload = await removeChannel(t, customer.id, ABSENT_CHANNEL_ID);
      expect(payload).toEqual({ customer: null, userErrors: [{ field: ['channelId'], code: 'NOT_FOUND', message: expect.any(String) }] });
      expect((await versionOf(t, customer.id)).version).toBe(2);
      expect(await countChildRows(t, 'customer_channels', customer.id)).toBe(1);
    });

    it("refuses another customer's channel id with NOT_FOUND and leaves that channel alone", async () => {
      const other = await createValidCustomer(t, { givenName: 'Other', familyName: uniqueLetters() });
      const theirs = await addChannel(t, other.id, { type: 'OTHER', value: 'theirs' });
      const payload = await removeChannel(t, customer.id, theirs.channel!.id);
      expect(payload.userErrors).toEqual([{ field: ['channelId'], code: 'NOT_FOUND', message: expect.any(String) }]);
      expect(await channelsOf(t, other.id)).toEqual([theirs.channel]);
      expect((await versionOf(t, customer.id)).version).toBe(1);
    });

    it('refuses an unknown customer with NOT_FOUND at ["customerId"]', async () => {
      const added = await addChannel(t, customer.id, { type: 'OTHER', value: 'x' });
      const payload = await removeChannel(t, ABSENT_CUSTOMER_ID, added.channel!.id);
      expect(payload.userErrors).toEqual([{ field: ['customerId'], code: 'NOT_FOUND', message: expect.any(String) }]);
      expect(await countChildRows(t, 'customer_channels', customer.id)).toBe(1);
    });
  });

  describe('Mutation.createCustomer with channels', () => {
    it('creates the channels normalised, once per type and value, at version 1', async () => {
      const created = await createValidCustomer(t, {
        givenName: 'Born',
        familyName: uniqueLetters(),
        channels: [
          { type: 'EMAIL', value: 'born@example.com' },
          { type: 'TELEPHONE', value: '+49 30 726219941' },
          { type: 'TELEPHONE', value: '+4930726219941' },
        ],
      });
      expect(created.version).toBe(1);
      const channels = await channelsOf(t, created.id);
      expect(channels.map(({ type, value }) => ({ type, value }))).toEqual([
        { type: 'EMAIL', value: 'born@example.com' },
        { type: 'TELEPHONE', value: '+4930726219941' },
      ]);
    });

    it('reports invalid channel values at ["input","channels",i,"value"] and writes nothing', async () => {
      const familyName = uniqueLetters();
      const payload = await createCustomer(t, {
        givenName: 'Never',
        familyName,
        channels: [
          { type: 'EMAIL', value: 'ok@example.com' },
          { type: 'EMAIL', value: 'nope' },
          { type: 'TELEPHONE', value: 'garbage' },
        ],
      });
      expect(payload.customer).toBeNull();
      expect(payload.userErrors).toEqual([
        { field: ['input', 'channels', '1', 'value'], code: 'INVALID', message: expect.any(String) },
        { field: ['input', 'channels', '2', 'value'], code: 'INVALID', message: expect.any(String) },
      ]);
      const [row] = await t.sql<{ n: number | string }>('SELECT COUNT(*) AS n FROM customers WHERE family_name = ?', [familyName]);
      expect(Number(row!.n)).toBe(0);
      const [channelRow] = await t.sql<{ n: number | string }>(
        "SELECT COUNT(*) AS n FROM customer_channels WHERE value = 'ok@example.com'",
      );
      expect(Number(channelRow!.n)).toBe(0);
    });
  });

  describe('Customer.channels', () => {
    it('lists every channel oldest first, or only those of the given type', async () => {
      const email = await addChannel(t, customer.id, { type: 'EMAIL', value: 'a@example.com' });
      const phone = await addChannel(t, customer.id, { type: 'TELEPHONE', value: '+4930726219941' });
      const email2 = await addChannel(t, customer.id, { type: 'EMAIL', value: 'b@example.com' });
      expect((await channelsOf(t, customer.id)).map((c) => c.id)).toEqual([email.channel!.id, phone.channel!.id, email2.channel!.id]);
      expect((await channelsOf(t, customer.id, 'EMAIL')).map((c) => c.id)).toEqual([email.channel!.id, email2.channel!.id]);
      expect(await channelsOf(t, customer.id, 'WHATSAPP')).toEqual([]);
    });
  });

  describe('CustomerFilter.channelValue', () => {
    it('matches the exact value of any channel, not a prefix or another case', async () => {
      const handle = `@${uniqueLetters()}`;
      await addChannel(t, customer.id, { type: 'TWITTER', value: handle });
      expect(await idsMatchingChannelValue(t, handle)).toEqual([customer.id]);
      expect(await idsMatchingChannelValue(t, handle.slice(0, -1))).toEqual([]);
      expect(await idsMatchingChannelValue(t, handle.toUpperCase())).toEqual([]);
    });

    it('matches a phone channel given in another notation', async () => {
      const number = `+4930726${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;
      const added = await addChannel(t, customer.id, { type: 'WHATSAPP', value: number });
      expect(added.userErrors).toEqual([]);
      const spaced = `${number.slice(0, 3)} ${number.slice(3, 5)} ${number.slice(5)}`;
      expect(await idsMatchingChannelValue(t, number)).toEqual([customer.id]);
      expect(await idsMatchingChannelValue(t, spaced)).toEqual([customer.id]);
    });

    it('does not match a removed channel', async () => {
      const value = `gone-${uniqueLetters()}`;
      const added = await addChannel(t, customer.id, { type: 'OTHER', value });
      await removeChannel(t, customer.id, added.channel!.id);
      expect(await idsMatchingChannelValue(t, value)).toEqual([]);
    });
  });
});

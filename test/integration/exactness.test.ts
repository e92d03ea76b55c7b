import { caseKey } from '../../src/domain/field.rules';
import { ExactTextAndDates1765000000000 } from '../../src/data/migrations/1765000000000-exact-text-and-dates';
import { OWN_TABLES } from '../../src/data/migrations/column-options';
import {
  createCustomer,
  createValidCustomer,
  customerById,
  CustomerView,
  deleteCustomer,
  gql,
  onlyErrorOf,
  uniqueLetters,
  updateCustomer,
  upsertCustomer,
} from '../helpers/customer-api';
import { ACTIVITY_FIELDS, ActivityView, addFlag, ConnectionView, recordActivity, removeFlag } from '../helpers/nested-api';
import { describeDb, dialect, startTestServer, TestServer } from '../helpers/test-server';

const LIST = /* GraphQL */ `
  query ($filter: CustomerFilter, $orderBy: CustomerOrder, $first: Int) {
    customers(filter: $filter, orderBy: $orderBy, first: $first) {
      nodes {
        id
        familyName
      }
    }
  }
`;
const PURGE = 'mutation ($id: ID!) { purgeCustomer(id: $id) { deletedCustomerId userErrors { field code } } }';
const CREATE_WITH_KEY = /* GraphQL */ `
  mutation ($input: CreateCustomerInput!, $key: String) {
    createCustomer(input: $input, idempotencyKey: $key) {
      customer {
        id
      }
      userErrors {
        field
        code
      }
    }
  }
`;
const TIMELINE = /* GraphQL */ `
  query ($id: ID!, $first: Int, $after: String, $filter: CustomerActivityFilter) {
    customer(id: $id) {
      activities(first: $first, after: $after, filter: $filter) { nodes { ${ACTIVITY_FIELDS} } pageInfo { hasNextPage endCursor } }
    }
  }
`;

/** Code point order: how SQLite (memcmp of UTF-8) and a binary collation compare text; JavaScript's `<` compares UTF-16 units. */
function byCodePoints(a: string, b: string): number {
  const x = Array.from(a, (c) => c.codePointAt(0)!);
  const y = Array.from(b, (c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i += 1) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

describeDb('exact matching on both databases', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.close());

  async function matching(filter: Record<string, unknown>): Promise<string[]> {
    const data = await gql<{ customers: { nodes: Array<{ id: string }> } }>(t, LIST, { filter, first: 100 });
    return data.customers.nodes.map((node) => node.id).sort();
  }

  async function timeline(id: string, variables: Record<string, unknown> = {}) {
    const data = await gql<{ customer: { activities: ConnectionView<ActivityView> } | null }>(t, TIMELINE, { id, ...variables });
    return data.customer!.activities;
  }

  describe('ids', () => {
    it('an id with trailing spaces or in another case is another id: no update, delete, purge, flag or read', async () => {
      const customer = await createValidCustomer(t, { givenName: 'Exact' });
      for (const variant of [
        `${customer.id} `,
        `${customer.id}  `,
        customer.id.toLowerCase(),
        `cus_${customer.id.slice(4).toLowerCase()}`,
      ]) {
        const updated = await updateCustomer(t, { id: variant, givenName: 'Changed' });
        expect(updated).toEqual({ customer: null, userErrors: [expect.objectContaining({ field: ['input', 'id'], code: 'NOT_FOUND' })] });
        expect(await deleteCustomer(t, variant)).toEqual({
          deletedCustomerId: null,
          userErrors: [expect.objectContaining({ code: 'NOT_FOUND' })],
        });
        const purged = await gql<{ purgeCustomer: { deletedCustomerId: string | null; userErrors: unknown[] } }>(t, PURGE, { id: variant });
        expect(purged.purgeCustomer).toEqual({ deletedCustomerId: null, userErrors: [expect.objectContaining({ code: 'NOT_FOUND' })] });
        expect((await addFlag(t, variant, 'vip')).userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND' })]);
        expect(await customerById(t, variant)).toBeNull();
        expect(await matching({ ids: [variant] })).toEqual([]);
      }
      expect(await customerById(t, customer.id)).toMatchObject({ givenName: 'Exact', version: 1, deletedAt: null });
      expect(await matching({ ids: [customer.id] })).toEqual([customer.id]);
    });
  });

  describe('filters', () => {
    it('hasFlag, channelValue and activity types match only the exact value', async () => {
      const handle = `handle-${uniqueLetters()}`;
      const customer = await createValidCustomer(t, {
        givenName: 'Filtered',
        channels: [{ type: 'OTHER', value: handle }],
        flags: ['vip'],
      });
      expect((await recordActivity(t, { customerId: customer.id, type: 'note.added' })).userErrors).toEqual([]);

      expect(await matching({ ids: [customer.id], hasFlag: 'vip' })).toEqual([customer.id]);
      for (const flag of ['vip ', 'vip  ', 'VIP', ' vip']) expect(await matching({ ids: [customer.id], hasFlag: flag })).toEqual([]);

      expect(await matching({ channelValue: handle })).toEqual([customer.id]);
      for (const value of [`${handle} `, `${handle}\u3000`, handle.toUpperCase()])
        expect(await matching({ channelValue: value })).toEqual([]);

      const types = async (list: string[]) => (await timeline(customer.id, { filter: { types: list } })).nodes.map((node) => node.type);
      expect(await types(['note.added'])).toEqual(['note.added']);
      expect(await types(['note.added ', 'note.added  ', 'Note.added'])).toEqual([]);
      expect(await types(['customer.created '])).toEqual([]);
    });

    it('flag names with a trailing space are not the registry flag', async () => {
      const customer = await createValidCustomer(t, { givenName: 'Flagged', flags: ['vip'] });
      expect((await removeFlag(t, customer.id, 'vip ')).userErrors).toEqual([expect.objectContaining({ code: 'UNKNOWN_FLAG' })]);
      expect(await matching({ ids: [customer.id], hasFlag: 'vip' })).toEqual([customer.id]);
    });
  });

  describe('idempotency keys', () => {
    it('"k", "k " and "k  " are three keys, each returning its own customer on a retry', async () => {
      const base = `key-${uniqueLetters()}`;
      const input = { givenName: 'Keyed' };
      const ids: string[] = [];
      for (const key of [base, `${base} `, `${base}  `]) {
        const created = await gql<{ createCustomer: { customer: { id: string }; userErrors: unknown[] } }>(t, CREATE_WITH_KEY, {
          input,
          key,
        });
        expect(created.createCustomer.userErrors).toEqual([]);
        ids.push(created.createCustomer.customer.id);
      }
      expect(new Set(ids).size).toBe(3);
      const retried = await gql<{ createCustomer: { customer: { id: string } } }>(t, CREATE_WITH_KEY, { input, key: `${base} ` });
      expect(retried.createCustomer.customer.id).toBe(ids[1]);
    });
  });

  describe('case and Unicode normalisation', () => {
    it('external ids differing in case or normalisation (NFC, NFD) are different customers', async () => {
      const token = uniqueLetters();
      const variants = [`é-${token}`.normalize('NFC'), `é-${token}`.normalize('NFD'), `E-${token}`, `e-${token}`];
      const created = [];
      for (const externalId of variants) created.push(await upsertCustomer(t, { externalId, givenName: 'Variant' }));
      expect(created.map((payload) => payload.created)).toEqual([true, true, true, true]);
      expect(created.map((payload) => payload.customer!.externalId)).toEqual(variants);
      for (const [index, externalId] of variants.entries()) {
        const found = await matching({ externalId });
        expect(found).toEqual([created[index]!.customer!.id]);
      }
    });

    it('channel values in NFC and NFD are two channels and match only themselves', async () => {
      const nfc = `Zoë-${uniqueLetters()}`.normalize('NFC');
      const nfd = nfc.normalize('NFD');
      const a = await createValidCustomer(t, { givenName: 'Nfc', channels: [{ type: 'OTHER', value: nfc }] });
      const b = await createValidCustomer(t, { givenName: 'Nfd', channels: [{ type: 'OTHER', value: nfd }] });
      expect(await matching({ channelValue: nfc })).toEqual([a.id]);
      expect(await matching({ channelValue: nfd })).toEqual([b.id]);
    });
  });

  describe('text outside the Basic Multilingual Plane', () => {
    it.each([
      ['CJK extension B', '陳', '陳𠀋', '陳大文'],
      ['mathematical letters', '𝐀', '𝐀𝐁𝐂', '𝐀bc'],
      ['Deseret', '𐐀', '𐐀𐐨𐐭', '𐐀ab'],
    ])('the name filter finds names whose next character is outside the BMP (%s)', async (_script, prefix, astral, bmp) => {
      const token = uniqueLetters();
      const withAstral = await createValidCustomer(t, { givenName: 'Astral', familyName: `${token}${astral}` });
      const withBmp = await createValidCustomer(t, { givenName: 'Plain', familyName: `${token}${bmp}` });
      const expected = [withAstral.id, withBmp.id].sort();
      expect(await matching({ name: `${token}${prefix}` })).toEqual(expected);
      expect(await matching({ name: `${token}${prefix}`.toUpperCase() })).toEqual(expected);
      expect(await matching({ name: `${token}${astral}` })).toEqual([withAstral.id]);
      // The whole name (given name first) is a prefix too.
      expect(await matching({ name: `Astral ${token}${prefix}` })).toEqual([withAstral.id]);
      // And a prefix ending in the highest BMP characters still stops at the next one.
      expect(await matching({ name: `${token}\uffff` })).toEqual([]);
    });

    it('stores emoji and astral text exactly and matches them exactly', async () => {
      const token = uniqueLetters();
      const externalId = `ext-😀-${token}-👩‍👩‍👧`;
      const value = `fan 🦄 ${token} 𠀋`;
      const created = await createValidCustomer(t, {
        givenName: '𝒜da',
        familyName: `${token}𐐨`,
        externalId,
        channels: [{ type: 'OTHER', value }],
        metadata: { '😀': '🎉', nested: { '𠀋': ['𝐀', '🏳️‍🌈'] } },
      });
      expect(created).toMatchObject({ externalId, givenName: '𝒜da', familyName: `${token}𐐨` });
      expect(await customerById(t, created.id)).toEqual(created);
      expect(await matching({ externalId })).toEqual([created.id]);
      expect(await matching({ channelValue: value })).toEqual([created.id]);
      expect(await matching({ externalId: externalId.replace('😀', '😁') })).toEqual([]);
    });

    it('sorts by family name in code point order, astral characters after every BMP one', async () => {
      const token = uniqueLetters();
      const families = ['ｚ', '𝐚', '陳', 'a', 'é', '𐐨', 'ab', '\uFB01x', '𠀋', 'Z'];
      const customers: CustomerView[] = [];
      for (const family of families) customers.push(await createValidCustomer(t, { givenName: token, familyName: family }));
      const expected = [...customers].sort(
        (x, y) => byCodePoints(caseKey(x.familyName), caseKey(y.familyName)) || byCodePoints(x.id, y.id),
      );
      for (const direction of ['ASC', 'DESC']) {
        const data = await gql<{ customers: { nodes: Array<{ id: string }> } }>(t, LIST, {
          filter: { name: token },
          orderBy: { field: 'FAMILY_NAME', direction },
          first: 100,
        });
        const ids = expected.map((customer) => customer.id);
        expect(data.customers.nodes.map((node) => node.id)).toEqual(direction === 'ASC' ? ids : ids.reverse());
      }
    });
  });

  describe('dates', () => {
    const ACCEPTED = [
      '1000-01-01T00:00:00.000Z',
      '1000-01-01T00:00:00.001Z',
      '1000-01-01T01:00:00.000+01:00',
      '1899-12-31T23:59:59.999Z',
      '1969-12-31T23:59:59.999Z',
      '1970-01-01T00:00:00.000Z',
      '2000-02-29T12:34:56.789Z',
      '9999-12-31T23:59:59.998Z',
      '9999-12-31T23:59:59.999Z',
    ];
    const REFUSED = [
      '0001-01-01T00:00:00Z',
      '0099-06-15T12:00:00.000Z',
      '0999-12-31T23:59:59.999Z',
      '1000-01-01T00:59:59.999+01:00',
      '9999-12-31T23:59:59.999-00:01',
    ];

    it('refuses activity instants outside 1000-01-01 … 9999-12-31 with INVALID, and stores nothing', async () => {
      const customer = await createValidCustomer(t, { givenName: 'Dated' });
      for (const occurredAt of REFUSED) {
        const payload = await recordActivity(t, { customerId: customer.id, type: 'dated', occurredAt });
        expect(payload).toEqual({
          activity: null,
          userErrors: [{ field: ['input', 'occurredAt'], code: 'INVALID', message: expect.stringContaining('1000-01-01T00:00:00.000Z') }],
        });
      }
      expect((await timeline(customer.id, { filter: { types: ['dated'] } })).nodes).toEqual([]);
    });

    it('reads every accepted instant back to the millisecond, and pages a timeline of them one by one', async () => {
      const customer = await createValidCustomer(t, { givenName: 'Dated' });
      const recorded: string[] = [];
      for (const occurredAt of ACCEPTED) {
        const payload = await recordActivity(t, { customerId: customer.id, type: 'dated', occurredAt });
        expect(payload.userErrors).toEqual([]);
        expect(payload.activity!.occurredAt).toBe(new Date(occurredAt).toISOString());
        recorded.push(payload.activity!.id);
      }
      const expected = ACCEPTED.map((iso) => new Date(iso).toISOString())
        .sort()
        .reverse();
      expect((await timeline(customer.id, { first: 100, filter: { types: ['dated'] } })).nodes.map((node) => node.occurredAt)).toEqual(
        expected,
      );

      const seen: string[] = [];
      let after: string | null = null;
      for (let page = 0; page <= ACCEPTED.length; page += 1) {
        const connection: ConnectionView<ActivityView> = await timeline(customer.id, { first: 1, after, filter: { types: ['dated'] } });
        seen.push(...connection.nodes.map((node) => node.occurredAt));
        if (!connection.pageInfo.hasNextPage) break;
        after = connection.pageInfo.endCursor;
      }
      expect(seen).toEqual(expected);

      const [earliest, latest] = ['1000-01-01T00:00:00.000Z', '9999-12-31T23:59:59.999Z'];
      const bounded = await timeline(customer.id, {
        first: 100,
        filter: { types: ['dated'], occurredAfter: earliest, occurredBefore: latest },
      });
      expect(bounded.nodes.map((node) => node.occurredAt)).toEqual(expected.filter((iso) => iso > earliest && iso < latest));
    });

    it('refuses filter instants outside the range with BAD_USER_INPUT, and accepts the bounds', async () => {
      const customer = await createValidCustomer(t, { givenName: 'Dated' });
      for (const field of ['createdAfter', 'createdBefore', 'updatedAfter', 'updatedBefore']) {
        for (const instant of REFUSED) {
          const response = await t.graphql(LIST, { filter: { [field]: instant } });
          expect(onlyErrorOf(response).code).toBe('BAD_USER_INPUT');
        }
      }
      for (const field of ['occurredAfter', 'occurredBefore']) {
        for (const instant of REFUSED) {
          const response = await t.graphql(TIMELINE, { id: customer.id, filter: { [field]: instant } });
          expect(onlyErrorOf(response).code).toBe('BAD_USER_INPUT');
        }
      }
      const inRange = await matching({ ids: [customer.id], createdAfter: ACCEPTED[0], createdBefore: ACCEPTED[ACCEPTED.length - 1] });
      expect(inRange).toEqual([customer.id]);
      await gql(t, TIMELINE, { id: customer.id, filter: { occurredAfter: ACCEPTED[0], occurredBefore: ACCEPTED.at(-1) } });
    });
  });
});

describeDb('migration ExactTextAndDates1765000000000', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.close());

  const migration = new ExactTextAndDates1765000000000();

  async function run(step: 'up' | 'down'): Promise<void> {
    const queryRunner = t.server.dataSource.createQueryRunner();
    try {
      await migration[step](queryRunner);
    } finally {
      await queryRunner.release();
    }
  }

  /** Every text column's collation and every table's default, of our own tables. */
  async function collations(): Promise<Set<string>> {
    const columns = await t.sql<{ collation: string }>(
      `SELECT DISTINCT collation_name AS collation FROM information_schema.columns
        WHERE table_schema = DATABASE() AND table_name IN (${OWN_TABLES.map(() => '?').join(', ')}) AND collation_name IS NOT NULL`,
      [...OWN_TABLES],
    );
    const tables = await t.sql<{ collation: string }>(
      `SELECT DISTINCT table_collation AS collation FROM information_schema.tables
        WHERE table_schema = DATABASE() AND table_name IN (${OWN_TABLES.map(() => '?').join(', ')})`,
      [...OWN_TABLES],
    );
    return new Set([...columns, ...tables].map((row) => row.collation));
  }

  (dialect === 'mysql' ? it : it.skip)(
    'gives every text column and table default the NO PAD binary collation, also on existing tables',
    async () => {
      expect(await collations()).toEqual(new Set(['utf8mb4_nopad_bin']));

      // The tables as the earlier migrations left them: identifiers utf8mb4_bin (PAD SPACE), free text the database default.
      await run('down');
      expect(await collations()).toEqual(new Set(['utf8mb4_bin', 'utf8mb4_unicode_ci']));
      const key = `key-${uniqueLetters()}`;
      const first = await gql<{ createCustomer: { customer: { id: string } } }>(t, CREATE_WITH_KEY, { input: { givenName: 'Old' }, key });
      const padded = await gql<{ createCustomer: { customer: { id: string } } }>(t, CREATE_WITH_KEY, {
        input: { givenName: 'Old' },
        key: `${key} `,
      });
      expect(padded.createCustomer.customer.id).toBe(first.createCustomer.customer.id);

      await run('up');
      expect(await collations()).toEqual(new Set(['utf8mb4_nopad_bin']));
      const after = await gql<{ createCustomer: { customer: { id: string } } }>(t, CREATE_WITH_KEY, {
        input: { givenName: 'Old' },
        key: `${key} `,
      });
      expect(after.createCustomer.customer.id).not.toBe(first.createCustomer.customer.id);
    },
  );

  it('moves activity instants stored outside the range to the nearest bound, keeping the timeline pageable', async () => {
    const customer = (await createCustomer(t, { givenName: 'Old' })).customer!;
    const rows: Array<[string, string]> = [[`act_early_${uniqueLetters()}`, '0001-01-01 00:00:00.000']];
    // SQLite stores whatever text it is given, including a five-digit year; MySQL's DATETIME cannot hold one.
    if (dialect === 'sqlite') rows.push([`act_late_${uniqueLetters()}`, '10000-01-01 00:00:00.000']);
    for (const [id, occurredAt] of rows) {
      await t.sql(
        `INSERT INTO customer_activities (id, customer_id, brand, type, origin, message, initiated_by, source_url, data, occurred_at, recorded_at)
         VALUES (?, ?, 'default', 'legacy', 'EXTERNAL', NULL, NULL, NULL, '{}', ?, ?)`,
        [id, customer.id, occurredAt, '2026-01-01 00:00:00.000'],
      );
    }
    await run('up');
    const textOf = dialect === 'sqlite' ? 'occurred_at' : 'CAST(occurred_at AS CHAR)';
    const stored = await t.sql<{ id: string; occurred: string }>(
      `SELECT id, ${textOf} AS occurred FROM customer_activities WHERE type = 'legacy' ORDER BY id`,
    );
    const expected = new Map([
      [rows[0]![0], '1000-01-01 00:00:00.000'],
      ...(rows[1] ? [[rows[1][0], '9999-12-31 23:59:59.999'] as [string, string]] : []),
    ]);
    expect(new Map(stored.map((row) => [row.id, row.occurred]))).toEqual(expected);

    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page <= rows.length; page += 1) {
      const data: { customer: { activities: ConnectionView<ActivityView> } } = await gql(t, TIMELINE, {
        id: customer.id,
        first: 1,
        after,
        filter: { types: ['legacy'] },
      });
      seen.push(...data.customer.activities.nodes.map((node) => node.occurredAt));
      if (!data.customer.activities.pageInfo.hasNextPage) break;
      after = data.customer.activities.pageInfo.endCursor;
    }
    expect(seen).toEqual(rows.length === 2 ? ['9999-12-31T23:59:59.999Z', '1000-01-01T00:00:00.000Z'] : ['1000-01-01T00:00:00.000Z']);
  });
});

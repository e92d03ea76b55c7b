import { useServerWithCustomer } from '../helpers/fixtures';
import { ABSENT_CUSTOMER_ID } from '../helpers/ids';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/core/config';
import { createLogger } from '../../src/core/logging/logger';
import { startServer } from '../../src/server';
import { createCustomer, createValidCustomer, CustomerView, gql, uniqueLetters } from '../helpers/customer-api';
import {
  addFlag,
  clockPast,
  ConnectionView,
  countChildRows,
  FlagView,
  removeFlag,
  storedActivities,
  versionOf,
} from '../helpers/nested-api';
import { describeDb, startTestServer, TestServer } from '../helpers/test-server';

// Jest reads testTimeout from the root config only, not per project: without this, a busy machine hits the 5 s default while MariaDB creates and migrates the test database.
jest.setTimeout(60_000);

const REGISTRY = JSON.parse(readFileSync(join(__dirname, '../../config/flags.json'), 'utf8')) as Array<{
  name: string;
  description: string;
  readOnly: boolean;
}>;
const WRITABLE = REGISTRY.filter((flag) => !flag.readOnly).map((flag) => flag.name);
const READ_ONLY = REGISTRY.find((flag) => flag.readOnly)!.name;

const FLAGS_PAGE = /* GraphQL */ `
  query ($id: ID!, $first: Int, $after: String) {
    customer(id: $id) {
      flags(first: $first, after: $after) {
        totalCount
        edges {
          cursor
          node {
            name
            description
            readOnly
            addedAt
          }
        }
        nodes {
          name
          description
          readOnly
          addedAt
        }
        pageInfo {
          hasNextPage
          hasPreviousPage
          startCursor
          endCursor
        }
      }
    }
  }
`;

async function flagPage(t: TestServer, id: string, first?: number, after?: string | null): Promise<ConnectionView<FlagView>> {
  return (await gql<{ customer: { flags: ConnectionView<FlagView> } }>(t, FLAGS_PAGE, { id, first, after })).customer.flags;
}

async function idsWithFlag(t: TestServer, hasFlag: string, familyName: string): Promise<string[]> {
  const data = await gql<{ customers: { nodes: Array<{ id: string }> } }>(
    t,
    'query($hasFlag: String, $name: String) { customers(first: 100, filter: { hasFlag: $hasFlag, name: $name }) { nodes { id } } }',
    { hasFlag, name: familyName },
  );
  return data.customers.nodes.map((node) => node.id);
}

describeDb('customer flags', () => {
  const fixture = useServerWithCustomer('Flag');
  let t: TestServer;
  let customer: CustomerView;
  beforeEach(() => {
    ({ t, customer } = fixture.current());
  });

  describe('Query.customerFlagDefinitions', () => {
    it('lists the registry file, in its order', async () => {
      const data = await gql<{ customerFlagDefinitions: unknown[] }>(t, '{ customerFlagDefinitions { name description readOnly } }');
      expect(data.customerFlagDefinitions).toEqual(REGISTRY);
    });
  });

  describe('Mutation.addCustomerFlag', () => {
    it('adds a flag, bumps the version, moves updatedAt and records customer.flag_added with data.flag', async () => {
      await clockPast(customer.updatedAt);
      const payload = await addFlag(t, customer.id, 'vip');
      expect(payload.userErrors).toEqual([]);
      expect(payload.customer).toMatchObject({ id: customer.id, version: 2 });
      expect(Date.parse(payload.customer!.updatedAt)).toBeGreaterThan(Date.parse(customer.updatedAt));
      expect((await flagPage(t, customer.id)).nodes).toEqual([
        { name: 'vip', description: REGISTRY[0]!.description, readOnly: false, addedAt: payload.customer!.updatedAt },
      ]);
      const activities = await storedActivities(t, customer.id);
      expect(activities.map((row) => [row.type, row.origin])).toEqual([
        ['customer.created', 'SYSTEM'],
        ['customer.flag_added', 'SYSTEM'],
      ]);
      expect(JSON.parse(activities[1]!.data)).toEqual({ flag: 'vip' });
    });

    it('adding a flag the customer has succeeds and changes nothing: no version bump, no activity', async () => {
      const first = await addFlag(t, customer.id, 'vip');
      const again = await addFlag(t, customer.id, 'vip');
      expect(again).toEqual(first);
      expect(await versionOf(t, customer.id)).toEqual({ version: 2, updatedAt: first.customer!.updatedAt });
      expect(await countChildRows(t, 'customer_flags', customer.id)).toBe(1);
      expect(await countChildRows(t, 'customer_activities', customer.id)).toBe(2);
    });

    it('refuses a flag outside the registry with UNKNOWN_FLAG at ["flag"]', async () => {
      const payload = await addFlag(t, customer.id, 'no_such_flag');
      expect(payload).toEqual({ customer: null, userErrors: [{ field: ['flag'], code: 'UNKNOWN_FLAG', message: expect.any(String) }] });
      expect(await countChildRows(t, 'customer_flags', customer.id)).toBe(0);
    });

    it('refuses a read-only flag with READ_ONLY_FLAG at ["flag"]', async () => {
      const payload = await addFlag(t, customer.id, READ_ONLY);
      expect(payload).toEqual({ customer: null, userErrors: [{ field: ['flag'], code: 'READ_ONLY_FLAG', message: expect.any(String) }] });
      expect(await countChildRows(t, 'customer_flags', customer.id)).toBe(0);
      expect((await versionOf(t, customer.id)).version).toBe(1);
    });

    it('refuses an unknown customer with NOT_FOUND at ["customerId"]', async () => {
      const payload = await addFlag(t, ABSENT_CUSTOMER_ID, 'vip');
      expect(payload).toEqual({ customer: null, userErrors: [{ field: ['customerId'], code: 'NOT_FOUND', message: expect.any(String) }] });
      expect(await countChildRows(t, 'customer_flags', ABSENT_CUSTOMER_ID)).toBe(0);
    });

    it('adds a flag once under 50 concurrent requests', async () => {
      const payloads = await Promise.all(Array.from({ length: 50 }, () => addFlag(t, customer.id, 'needs_assistance')));
      for (const payload of payloads) {
        expect(payload.userErrors).toEqual([]);
        expect(payload.customer!.version).toBe(2);
      }
      expect(await countChildRows(t, 'customer_flags', customer.id)).toBe(1);
      expect((await versionOf(t, customer.id)).version).toBe(2);
      expect((await storedActivities(t, customer.id)).map((row) => row.type)).toEqual(['customer.created', 'customer.flag_added']);
    });
  });

  describe('Mutation.removeCustomerFlag', () => {
    it('removes a flag, bumps the version and records customer.flag_removed with data.flag', async () => {
      const added = await addFlag(t, customer.id, 'do_not_contact');
      await clockPast(added.customer!.updatedAt);
      const payload = await removeFlag(t, customer.id, 'do_not_contact');
      expect(payload.userErrors).toEqual([]);
      expect(payload.customer!.version).toBe(3);
      expect(Date.parse(payload.customer!.updatedAt)).toBeGreaterThan(Date.parse(added.customer!.updatedAt));
      expect((await flagPage(t, customer.id)).totalCount).toBe(0);
      const activities = await storedActivities(t, customer.id);
      expect(activities.map((row) => row.type)).toEqual(['customer.created', 'customer.flag_added', 'customer.flag_removed']);
      expect(JSON.parse(activities[2]!.data)).toEqual({ flag: 'do_not_contact' });
    });

    it('removing a flag the customer lacks succeeds and changes nothing: no version bump, no activity', async () => {
      const payload = await removeFlag(t, customer.id, 'vip');
      expect(payload).toEqual({ customer: { id: customer.id, version: 1, updatedAt: customer.updatedAt }, userErrors: [] });
      expect(await countChildRows(t, 'customer_activities', customer.id)).toBe(1);
    });

    it('refuses UNKNOWN_FLAG, READ_ONLY_FLAG and an unknown customer', async () => {
      expect((await removeFlag(t, customer.id, 'nope')).userErrors).toEqual([
        { field: ['flag'], code: 'UNKNOWN_FLAG', message: expect.any(String) },
      ]);
      expect((await removeFlag(t, customer.id, READ_ONLY)).userErrors).toEqual([
        { field: ['flag'], code: 'READ_ONLY_FLAG', message: expect.any(String) },
      ]);
      expect((await removeFlag(t, ABSENT_CUSTOMER_ID, 'vip')).userErrors).toEqual([
        { field: ['customerId'], code: 'NOT_FOUND', message: expect.any(String) },
      ]);
    });

    it('leaves a read-only flag set by other means in place', async () => {
      await t.sql('INSERT INTO customer_flags (customer_id, name, brand, added_at) VALUES (?, ?, ?, ?)', [
        customer.id,
        READ_ONLY,
        'default',
        '2024-01-01 00:00:00.000',
      ]);
      expect((await removeFlag(t, customer.id, READ_ONLY)).userErrors[0]!.code).toBe('READ_ONLY_FLAG');
      expect((await flagPage(t, customer.id)).nodes.map((flag) => [flag.name, flag.readOnly])).toEqual([[READ_ONLY, true]]);
    });
  });

  describe('Mutation.createCustomer with flags', () => {
    it('creates the customer with its flags at version 1', async () => {
      const created = await createValidCustomer(t, {
        givenName: 'Born',
        familyName: uniqueLetters(),
        flags: ['vip', 'do_not_contact', 'vip'],
      });
      expect(created.version).toBe(1);
      expect((await flagPage(t, created.id)).nodes.map((flag) => flag.name)).toEqual(['do_not_contact', 'vip']);
    });

    it('refuses unknown and read-only flags at ["input","flags",i] and writes nothing', async () => {
      const familyName = uniqueLetters();
      const payload = await createCustomer(t, { givenName: 'Never', familyName, flags: ['vip', 'bogus', READ_ONLY] });
      expect(payload.customer).toBeNull();
      expect(payload.userErrors).toEqual([
        { field: ['input', 'flags', '1'], code: 'UNKNOWN_FLAG', message: expect.any(String) },
        { field: ['input', 'flags', '2'], code: 'READ_ONLY_FLAG', message: expect.any(String) },
      ]);
      const [row] = await t.sql<{ n: number | string }>('SELECT COUNT(*) AS n FROM customers WHERE family_name = ?', [familyName]);
      expect(Number(row!.n)).toBe(0);
    });
  });

  describe('Customer.flags', () => {
    it('pages through 5 flags by name with first: 2', async () => {
      const names = REGISTRY.map((flag) => flag.name).slice(0, 5);
      for (const [index, name] of names.entries()) {
        await t.sql('INSERT INTO customer_flags (customer_id, name, brand, added_at) VALUES (?, ?, ?, ?)', [
          customer.id,
          name,
          'default',
          `2024-01-0${index + 1} 00:00:00.000`,
        ]);
      }
      const seen: string[] = [];
      let after: string | null = null;
      const pages: Array<[boolean, boolean, number]> = [];
      for (let i = 0; i < 4; i += 1) {
        const page: ConnectionView<FlagView> = await flagPage(t, customer.id, 2, after);
        expect(page.totalCount).toBe(5);
        expect(page.edges.map((edge) => edge.node)).toEqual(page.nodes);
        pages.push([page.pageInfo.hasNextPage, page.pageInfo.hasPreviousPage, page.nodes.length]);
        seen.push(...page.nodes.map((flag) => flag.name));
        expect(page.pageInfo.startCursor).toBe(page.edges[0]?.cursor ?? null);
        expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)?.cursor ?? null);
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor;
      }
      expect(pages).toEqual([
        [true, false, 2],
        [true, true, 2],
        [false, true, 1],
      ]);
      expect(seen).toEqual([...names].sort());
    });

    it("refuses another customer's flag cursor with BAD_USER_INPUT", async () => {
      await addFlag(t, customer.id, 'vip');
      await addFlag(t, customer.id, 'do_not_contact');
      const other = await createValidCustomer(t, { givenName: 'Other', familyName: uniqueLetters() });
      const cursor = (await flagPage(t, customer.id, 1)).pageInfo.endCursor;
      const response = await t.graphql(FLAGS_PAGE, { id: other.id, first: 1, after: cursor });
      expect(response.errors?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    });

    it('refuses first: 0 with BAD_USER_INPUT', async () => {
      const response = await t.graphql(FLAGS_PAGE, { id: customer.id, first: 0 });
      expect(response.errors?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    });
  });

  describe('CustomerFilter.hasFlag', () => {
    it('finds exactly the customers carrying the flag', async () => {
      const familyName = uniqueLetters();
      const [a, b, c] = await Promise.all(['A', 'B', 'C'].map((givenName) => createValidCustomer(t, { givenName, familyName })));
      await addFlag(t, a!.id, 'fraud_suspected');
      await addFlag(t, c!.id, 'fraud_suspected');
      await addFlag(t, b!.id, 'vip');
      expect((await idsWithFlag(t, 'fraud_suspected', familyName)).sort()).toEqual([a!.id, c!.id].sort());
      expect(await idsWithFlag(t, 'vip', familyName)).toEqual([b!.id]);
      await removeFlag(t, a!.id, 'fraud_suspected');
      expect(await idsWithFlag(t, 'fraud_suspected', familyName)).toEqual([c!.id]);
      expect(WRITABLE).toContain('fraud_suspected');
    });
  });
});

describeDb('customer flags with a large registry', () => {
  let t: TestServer;
  let directory: string;

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'flags-'));
    const file = join(directory, 'flags.json');
    const definitions = Array.from({ length: 120 }, (_, i) => ({
      name: `flag_${String(i).padStart(3, '0')}`,
      description: null,
      readOnly: false,
    }));
    writeFileSync(file, JSON.stringify(definitions));
    t = await startTestServer({ CUSTOMER_FLAGS_FILE: file });
  });

  afterAll(async () => {
    await t?.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('serves the registry of CUSTOMER_FLAGS_FILE', async () => {
    const data = await gql<{ customerFlagDefinitions: Array<{ name: string }> }>(t, '{ customerFlagDefinitions { name } }');
    expect(data.customerFlagDefinitions).toHaveLength(120);
    expect((await addFlag(t, ABSENT_CUSTOMER_ID, 'vip')).userErrors[0]!.code).toBe('UNKNOWN_FLAG');
  });

  it('treats flags(first) above 100 as 100', async () => {
    const names = Array.from({ length: 120 }, (_, i) => `flag_${String(i).padStart(3, '0')}`);
    const created = await createValidCustomer(t, { givenName: 'Many', familyName: uniqueLetters(), flags: names });
    const page = await flagPage(t, created.id, 500);
    expect(page.nodes).toHaveLength(100);
    expect(page.nodes.map((flag) => flag.name)).toEqual(names.slice(0, 100));
    expect(page.pageInfo.hasNextPage).toBe(true);
    expect(page.totalCount).toBe(120);
    const rest = await flagPage(t, created.id, 500, page.pageInfo.endCursor);
    expect(rest.nodes.map((flag) => flag.name)).toEqual(names.slice(100));
    expect(rest.pageInfo.hasNextPage).toBe(false);
  });

  it('defaults flags to the first 50', async () => {
    const names = Array.from({ length: 60 }, (_, i) => `flag_${String(i).padStart(3, '0')}`);
    const created = await createValidCustomer(t, { givenName: 'Some', familyName: uniqueLetters(), flags: names });
    const page = await flagPage(t, created.id);
    expect(page.nodes.map((flag) => flag.name)).toEqual(names.slice(0, 50));
  });
});

/** Starts the real server on an in-memory database: the registry is read before any database is touched. */
async function startWithFlagsFile(file: string): Promise<void> {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    PORT: '0',
    DATABASE_URL: 'sqlite::memory:',
    CUSTOMER_FLAGS_FILE: file,
  });
  const server = await startServer(config, createLogger(config.logLevel));
  await server.stop();
}

describe('server start with a bad flag registry', () => {
  let directory: string;

  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'flags-'));
  });

  afterAll(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  it.each([
    ['not an array', '{"name":"vip"}'],
    ['not JSON', '[{'],
    ['a duplicate', '[{"name":"vip"},{"name":"vip"}]'],
  ])('refuses to start with a registry file that is %s, naming CUSTOMER_FLAGS_FILE', async (_label, content) => {
    const file = join(directory, `${uniqueLetters()}.json`);
    writeFileSync(file, content);
    await expect(startWithFlagsFile(file)).rejects.toThrow(/CUSTOMER_FLAGS_FILE/);
  });

  it('refuses to start when the registry file is missing, naming CUSTOMER_FLAGS_FILE', async () => {
    await expect(startWithFlagsFile(join(directory, 'missing.json'))).rejects.toThrow(/CUSTOMER_FLAGS_FILE/);
  });
});

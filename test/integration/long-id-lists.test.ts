import { KEYS_PER_STATEMENT } from '../../src/data/read-entities';
import { describeDb, startTestServer, TestServer } from '../helpers/test-server';

// Seeds 1,200 customers and sends a 2 MB body of 33,000 representations.
jest.setTimeout(120_000);

/** The size of `_entities` batch that once ended the process on SQLite (too many SQL variables, then out of memory). */
const HOSTILE_REPRESENTATIONS = 33_000;
const SEEDED = 1_200;

const TYPENAMES = 'query ($r: [_Any!]!) { _entities(representations: $r) { __typename } }';
const IDS = 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id } } }';

function unknownId(index: number): string {
  return `cus_${String(index).padStart(26, '0')}`;
}

function representations(ids: readonly string[]): Array<{ __typename: 'Customer'; id: string }> {
  return ids.map((id) => ({ __typename: 'Customer', id }));
}

async function seed(t: TestServer, count: number, prefix: string): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; start < count; start += 1000) {
    const inputs = Array.from({ length: Math.min(1000, count - start) }, (_, i) => ({
      externalId: `${prefix}-${start + i}`,
      givenName: 'Many',
    }));
    const response = await t.graphql<{ upsertCustomers: { results: Array<{ customer: { id: string } }> } }>(
      'mutation ($inputs: [UpsertCustomerInput!]!) { upsertCustomers(inputs: $inputs) { results { customer { id } } } }',
      { inputs },
    );
    expect(response.errors).toBeUndefined();
    ids.push(...response.data!.upsertCustomers.results.map((result) => result.customer.id));
  }
  return ids;
}

/** How many ids a statement binds in its longest `IN (…)` list (mysql2 and SQLite both show `?` placeholders). */
function largestInList(sql: string): number {
  return Math.max(0, ...[...sql.matchAll(/IN \(([?, ]*)\)/g)].map((match) => match[1]!.split('?').length - 1));
}

describeDb('long id lists', () => {
  let t: TestServer;
  /** The same server with the cost limit out of the way, so the reads themselves are exercised. */
  let unlimited: TestServer;
  let seeded: string[];

  beforeAll(async () => {
    t = await startTestServer({ BODY_LIMIT_BYTES: String(4 * 1024 * 1024) });
    unlimited = await startTestServer({ BODY_LIMIT_BYTES: String(4 * 1024 * 1024), MAX_QUERY_COST: '10000000' });
    seeded = await seed(unlimited, SEEDED, 'long');
  });
  afterAll(async () => {
    await t?.close();
    await unlimited?.close();
  });

  it(`refuses ${HOSTILE_REPRESENTATIONS} representations selecting only __typename with QUERY_TOO_COMPLEX, before any SQL`, async () => {
    const ids = Array.from({ length: HOSTILE_REPRESENTATIONS }, (_, index) => unknownId(index));
    const { result, count } = await t.countStatements(() => t.graphql(TYPENAMES, { r: representations(ids) }));
    expect(result.errors?.map((error) => error.extensions?.code)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(result.errors![0]!.extensions!.cost as number).toBeGreaterThanOrEqual(HOSTILE_REPRESENTATIONS);
    expect(count).toBe(0);
    expect((await t.graphql('{ customers(first: 1) { totalCount } }')).errors).toBeUndefined();
  });

  it('answers 1,000 representations (a router batch) under the default cost limit', async () => {
    const ids = seeded.slice(0, 1000);
    const result = await t.graphql<{ _entities: unknown[] }>(
      'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id name } } }',
      { r: representations(ids) },
    );
    expect(result.errors).toBeUndefined();
    // Seeded on the other server: unknown here, so null, but every one was answered.
    expect(result.data!._entities).toHaveLength(1000);
  });

  it(`reads ${HOSTILE_REPRESENTATIONS} representations in chunks of ${KEYS_PER_STATEMENT} ids, answering each in order`, async () => {
    // Known ids spread among unknown ones, some asked twice.
    const ids = Array.from({ length: HOSTILE_REPRESENTATIONS }, (_, index) =>
      index % 25 === 0 ? seeded[(index / 25) % SEEDED]! : unknownId(index),
    );
    const { result, statements } = await unlimited.countStatements(() =>
      unlimited.graphql<{ _entities: Array<{ id: string } | null> }>(IDS, { r: representations(ids) }),
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!._entities.map((entity) => entity?.id ?? null)).toEqual(ids.map((id, index) => (index % 25 === 0 ? id : null)));
    const distinct = new Set(ids).size;
    expect(statements).toHaveLength(Math.ceil(distinct / KEYS_PER_STATEMENT));
    expect(Math.max(...statements.map(largestInList))).toBe(KEYS_PER_STATEMENT);
  });

  it('reads the nested fields of 1,000 customers in chunks, each customer getting its own rows', async () => {
    const [first, last] = [seeded[0]!, seeded[999]!];
    for (const id of [first, last]) {
      const added = await unlimited.graphql(
        `mutation { addCustomerChannel(customerId: "${id}", channel: { type: OTHER, value: "v-${id}" }) { userErrors { code } } }`,
      );
      expect(added.errors).toBeUndefined();
    }
    const query = `{ customers(first: 1000, filter: { includeDeleted: false }) { nodes {
      id channels { value } flags { totalCount } activities(first: 1) { totalCount nodes { type } } } } }`;
    const { result, statements } = await unlimited.countStatements(() =>
      unlimited.graphql<{
        customers: {
          nodes: Array<{
            id: string;
            channels: Array<{ value: string }>;
            flags: { totalCount: number };
            activities: { totalCount: number };
          }>;
        };
      }>(query),
    );
    expect(result.errors).toBeUndefined();
    const nodes = result.data!.customers.nodes;
    expect(nodes).toHaveLength(1000);
    const byId = new Map(nodes.map((node) => [node.id, node]));
    expect(byId.get(first)!.channels).toEqual([{ value: `v-${first}` }]);
    expect(byId.get(last)!.channels).toEqual([{ value: `v-${last}` }]);
    expect(nodes.filter((node) => node.channels.length > 0)).toHaveLength(2);
    expect(nodes.every((node) => node.flags.totalCount === 0)).toBe(true);
    // created, plus channel_added for the two.
    expect(byId.get(first)!.activities.totalCount).toBe(2);
    expect(byId.get(seeded[1]!)!.activities.totalCount).toBe(1);
    const nested = statements.filter((sql) => /customer_(channels|flags|activities)/.test(sql));
    // channels, flag pages, flag counts, activity pages and activity counts: two chunks of 500 customers each.
    expect(nested).toHaveLength(5 * Math.ceil(1000 / KEYS_PER_STATEMENT));
    expect(Math.max(...nested.map(largestInList))).toBeLessThanOrEqual(KEYS_PER_STATEMENT);
  });

  it('upserts 1,000 customers by external id, reading the existing ones in chunks', async () => {
    const inputs = Array.from({ length: 1000 }, (_, i) => ({ externalId: `long-${i}`, givenName: 'Again' }));
    const { result, statements } = await unlimited.countStatements(() =>
      unlimited.graphql<{ upsertCustomers: { results: Array<{ created: boolean }> } }>(
        'mutation ($inputs: [UpsertCustomerInput!]!) { upsertCustomers(inputs: $inputs) { results { created } } }',
        { inputs },
      ),
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.upsertCustomers.results.every((row) => !row.created)).toBe(true);
    expect(Math.max(...statements.map(largestInList))).toBeLessThanOrEqual(KEYS_PER_STATEMENT);
  });

  it('refuses filter.ids above 1,000 ids with BAD_USER_INPUT and serves 1,000', async () => {
    const ids = seeded.slice(0, 1000);
    const served = await t.graphql<{ customers: { nodes: unknown[] } }>(
      'query ($ids: [ID!]) { customers(filter: { ids: $ids }) { nodes { id } } }',
      {
        ids,
      },
    );
    expect(served.errors).toBeUndefined();
    const { result, count } = await t.countStatements(() =>
      t.graphql('query ($ids: [ID!]) { customers(filter: { ids: $ids }) { nodes { id } } }', {
        ids: [...ids, ...seeded.slice(1000, 1001)],
      }),
    );
    expect(result.errors?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(count).toBe(0);
  });
});

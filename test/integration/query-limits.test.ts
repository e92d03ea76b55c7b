import { getIntrospectionQuery } from 'graphql';
import { describeDb, GraphQLResponse, startTestServer, TestServer } from '../helpers/test-server';

const COSTLY = '{ customers(first: 1000) { nodes { activities(first: 100) { nodes { id } } } } }';
/** Cost 50 + 1 + 10 + (1 + 10 × 1) = 72 under the estimate of src/http/query-limits.ts. */
const SMALL_LIST = 'customers(first: 10) { nodes { id } }';
const LIMIT = 300;

function aliased(times: number, selection = SMALL_LIST): string {
  return `{ ${Array.from({ length: times }, (_, index) => `a${index}: ${selection}`).join(' ')} }`;
}

describeDb('query limits', () => {
  let t: TestServer;
  let limited: TestServer;

  beforeAll(async () => {
    t = await startTestServer();
    limited = await startTestServer({ MAX_QUERY_COST: String(LIMIT) });
    const created = await t.graphql('mutation { createCustomer(input: { givenName: "Limit" }) { customer { id } } }');
    expect(created.errors).toBeUndefined();
  });
  afterAll(async () => {
    await t.close();
    await limited.close();
  });

  async function post(server: TestServer, body: string, headers: Record<string, string> = {}) {
    return fetch(server.server.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  }

  it('refuses a costly query with QUERY_TOO_COMPLEX and its cost, running no SQL', async () => {
    const { result, count } = await t.countStatements(() => t.graphql(COSTLY));
    expect(result.errors).toHaveLength(1);
    expect(result.errors![0]!.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', cost: expect.any(Number), maxCost: 25_000 });
    expect(result.errors![0]!.extensions!.cost as number).toBeGreaterThan(25_000);
    expect(result.data).toBeUndefined();
    expect(count).toBe(0);
  });

  it('answers a refused query with HTTP 400', async () => {
    const response = await post(t, JSON.stringify({ query: COSTLY }));
    expect(response.status).toBe(400);
  });

  it('serves the same query with a modest page', async () => {
    const response = await t.graphql<{ customers: { nodes: unknown[] } }>(
      '{ customers(first: 10) { nodes { activities(first: 10) { nodes { id } } } } }',
    );
    expect(response.errors).toBeUndefined();
    expect(response.data!.customers.nodes).toHaveLength(1);
  });

  it('counts each alias: a list asked once passes, the same list aliased 30 times is refused', async () => {
    const once = await limited.graphql(`{ ${SMALL_LIST} }`);
    expect(once.errors).toBeUndefined();
    const { result, count } = await limited.countStatements(() => limited.graphql(aliased(30)));
    expect(result.errors?.map((error) => error.extensions?.code)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(result.errors![0]!.extensions!.cost as number).toBeGreaterThan(LIMIT);
    expect(count).toBe(0);
  });

  it.each([
    ['2,000 aliases of customers { nodes { id } }', aliased(2_000, 'customers { nodes { id } }')],
    ['12,000 aliases of customers { totalCount }', aliased(12_000, 'customers { totalCount }')],
    ['12,000 aliases of _service { sdl }', aliased(12_000, '_service { sdl }')],
  ])('refuses %s before running any SQL', async (_name, query) => {
    const { result, count } = await t.countStatements(() => t.graphql(query));
    expect(result.errors?.map((error) => error.extensions?.code)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(result.errors![0]!.extensions!.cost as number).toBeGreaterThan(25_000);
    expect(result.data).toBeUndefined();
    expect(count).toBe(0);
  });

  it('counts a connection without first/last as its default page of 50', async () => {
    // 50 + 1 + 50 + (1 + 50 × 1) = 152 > LIMIT / 2; with first: 10 the same query costs 72.
    expect(
      (await limited.graphql(`{ a: customers(first: 10) { nodes { id } } b: customers(first: 10) { nodes { id } } }`)).errors,
    ).toBeUndefined();
    const unsized = await limited.graphql(`{ a: customers { nodes { id } } b: customers { nodes { id } } }`);
    expect(unsized.errors?.map((error) => error.extensions?.code)).toEqual(['QUERY_TOO_COMPLEX']);
  });

  it('counts the fields selected through fragments', async () => {
    const fields = 'id externalId givenName familyName name emailAddress phoneNumber languageCode metadata createdAt updatedAt version';
    const inline = await limited.graphql(`{ customers(first: 20) { nodes { id } } }`);
    expect(inline.errors).toBeUndefined();
    const spread = await limited.graphql(`{ customers(first: 20) { nodes { ...Outer } } }
      fragment Outer on Customer { ...Inner }
      fragment Inner on Customer { ${fields} deletedAt }`);
    expect(spread.errors?.map((error) => error.extensions?.code)).toEqual(['QUERY_TOO_COMPLEX']);
    const inlineFragment = await limited.graphql(`{ customers(first: 20) { nodes { ... on Customer { ${fields} deletedAt } } } }`);
    expect(inlineFragment.errors?.map((error) => error.extensions?.code)).toEqual(['QUERY_TOO_COMPLEX']);
  });

  it('uses the page size given in variables', async () => {
    const query = 'query ($n: Int) { customers(first: $n) { nodes { id givenName familyName } } }';
    expect((await limited.graphql(query, { n: 5 })).errors).toBeUndefined();
    expect((await limited.graphql(query, { n: 500 })).errors?.map((error) => error.extensions?.code)).toEqual(['QUERY_TOO_COMPLEX']);
  });

  it('counts entity representations', async () => {
    const query = 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id givenName familyName } } }';
    const representations = (n: number) => Array.from({ length: n }, (_, index) => ({ __typename: 'Customer', id: `cus_${index}` }));
    expect((await limited.graphql(query, { r: representations(5) })).errors).toBeUndefined();
    expect((await limited.graphql(query, { r: representations(100) })).errors?.map((error) => error.extensions?.code)).toEqual([
      'QUERY_TOO_COMPLEX',
    ]);
  });

  it('allows the standard introspection query', async () => {
    const response = await limited.graphql<{ __schema: { types: Array<{ name: string }> } }>(getIntrospectionQuery());
    expect(response.errors).toBeUndefined();
    expect(response.data!.__schema.types.map((type) => type.name)).toContain('Customer');
  });

  it('refuses a batched request (a JSON array body)', async () => {
    const { result: response, count } = await t.countStatements(() =>
      post(t, JSON.stringify([{ query: '{ customers { totalCount } }' }, { query: '{ customers { totalCount } }' }])),
    );
    expect(response.status).toBe(400);
    const text = await response.text();
    expect(text).toMatch(/batch/i);
    expect(text).not.toContain('totalCount"');
    expect(count).toBe(0);
  });

  it('refuses a GET query without a preflight-forcing header (CSRF prevention)', async () => {
    const url = `${t.server.url}?query=${encodeURIComponent('{ customers { totalCount } }')}`;
    const { result: refused, count } = await t.countStatements(() => fetch(url));
    expect(refused.status).toBe(400);
    expect(await refused.text()).toMatch(/CSRF/i);
    expect(count).toBe(0);
    const allowed = await fetch(url, { headers: { 'apollo-require-preflight': 'true' } });
    expect(allowed.status).toBe(200);
    expect(((await allowed.json()) as GraphQLResponse<unknown>).data).toEqual({ customers: { totalCount: 1 } });
  });

  it('refuses a GET mutation', async () => {
    const url = `${t.server.url}?query=${encodeURIComponent('mutation { createCustomer(input: { givenName: "ViaGet" }) { customer { id } } }')}`;
    const response = await fetch(url, { headers: { 'apollo-require-preflight': 'true' } });
    expect(response.status).toBe(405);
    const [row] = await t.sql<{ n: number | string }>("SELECT COUNT(*) AS n FROM customers WHERE given_name = 'ViaGet'");
    expect(Number(row!.n)).toBe(0);
  });
});

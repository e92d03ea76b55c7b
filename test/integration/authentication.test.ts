import { ABSENT_CUSTOMER_ID } from '../helpers/ids';
import { rootOperations } from '../helpers/root-operations';
import { describeDb, GraphQLResponse, startTestServer, TestServer } from '../helpers/test-server';
import {
  bearer,
  generateSigningKey,
  hs256Token,
  JwksServer,
  signedToken,
  SigningKey,
  startJwksServer,
  TEST_JWT_SECRET,
  TokenOptions,
  unsignedToken,
} from '../helpers/tokens';

// Some tests start their own server (and, on MySQL, a database) inside the test.
jest.setTimeout(60_000);

const ISSUER = 'https://auth.example.test/';
const AUDIENCE = 'customer-subgraph';
const ROUTER_SECRET = 'router-secret-0123456789abcdef';

const CREATE = /* GraphQL */ `
  mutation ($input: CreateCustomerInput!) {
    createCustomer(input: $input) {
      customer {
        id
        givenName
      }
      userErrors {
        code
      }
    }
  }
`;
const LIST_IDS = '{ customers(first: 10) { nodes { id } } }';

function codesOf(response: GraphQLResponse<unknown>): unknown[] {
  return (response.errors ?? []).map((error) => error.extensions?.code);
}

async function brandOf(t: TestServer, id: string): Promise<string | undefined> {
  const [row] = await t.sql<{ brand: string }>('SELECT brand FROM customers WHERE id = ?', [id]);
  return row?.brand;
}

describeDb('authentication with an HS256 secret, issuer and audience', () => {
  let t: TestServer;
  const token = (options: TokenOptions = {}, secret?: string) => hs256Token({ issuer: ISSUER, audience: AUDIENCE, ...options }, secret);

  beforeAll(async () => {
    t = await startTestServer({ AUTH_JWT_SECRET: TEST_JWT_SECRET, AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE });
  });
  afterAll(() => t.close());

  it('serves a valid token and files the new customer under its brand', async () => {
    const response = await t.graphql<{ createCustomer: { customer: { id: string } } }>(
      CREATE,
      { input: { givenName: 'Valid' } },
      bearer(await token({ claims: { brand: 'hs-brand' } })),
    );
    expect(response.errors).toBeUndefined();
    const id = response.data!.createCustomer.customer.id;
    expect(await brandOf(t, id)).toBe('hs-brand');
    const listed = await t.graphql<{ customers: { nodes: Array<{ id: string }> } }>(
      LIST_IDS,
      {},
      bearer(await token({ claims: { brand: 'hs-brand' } })),
    );
    expect(listed.data?.customers.nodes.map((node) => node.id)).toEqual([id]);
  });

  it('answers UNAUTHENTICATED on every query and mutation field when no token is sent', async () => {
    const operations = await rootOperations();
    expect(operations.map((operation) => operation.field)).toEqual(
      expect.arrayContaining(['customers', 'createCustomer', 'purgeCustomer']),
    );
    const codes: Record<string, unknown> = {};
    for (const operation of operations) {
      const response = await t.graphql(operation.query, operation.variables);
      codes[operation.field] = codesOf(response);
    }
    expect(codes).toEqual(Object.fromEntries(operations.map((operation) => [operation.field, ['UNAUTHENTICATED']])));
    const [row] = await t.sql<{ n: number | string }>("SELECT COUNT(*) AS n FROM customers WHERE brand <> 'hs-brand'");
    expect(Number(row!.n)).toBe(0);
  });

  it.each([
    ['a scheme other than Bearer', async () => `Basic ${Buffer.from('user:pass').toString('base64')}`],
    ['Bearer without a token', async () => 'Bearer'],
    ['a token with spaces in it', async () => `Bearer ${await token()} extra`],
    ['a garbage token', async () => 'Bearer not-a-jwt'],
    ['three garbage segments', async () => 'Bearer aaaa.bbbb.cccc'],
    ['a token signed with another secret', async () => `Bearer ${await token({}, 'another-secret-that-is-long-enough-000')}`],
    ['an alg:none token', async () => `Bearer ${unsignedToken({ issuer: ISSUER, audience: AUDIENCE })}`],
    ['a token expired beyond the clock tolerance', async () => `Bearer ${await token({ expiresInSeconds: -60 })}`],
    ['a token from another issuer', async () => `Bearer ${await token({ issuer: 'https://evil.example.test/' })}`],
    ['a token without an issuer', async () => `Bearer ${await hs256Token({ audience: AUDIENCE })}`],
    ['a token for another audience', async () => `Bearer ${await token({ audience: 'someone-else' })}`],
    ['a token without a brand claim', async () => `Bearer ${await token({ claims: { brand: undefined } })}`],
    ['a token whose brand is not a string', async () => `Bearer ${await token({ claims: { brand: 42 } })}`],
    ['a token whose brand is empty', async () => `Bearer ${await token({ claims: { brand: '' } })}`],
  ])('refuses %s with UNAUTHENTICATED and runs nothing', async (_name, header) => {
    const before = await t.sql<{ n: number | string }>('SELECT COUNT(*) AS n FROM customers');
    const response = await t.graphql(CREATE, { input: { givenName: 'Refused' } }, { authorization: await header() });
    expect(codesOf(response)).toEqual(['UNAUTHENTICATED']);
    expect(response.data ?? null).toBeNull();
    const after = await t.sql<{ n: number | string }>('SELECT COUNT(*) AS n FROM customers');
    expect(Number(after[0]!.n)).toBe(Number(before[0]!.n));
  });

  it('accepts a token that expired a little within the clock tolerance', async () => {
    const response = await t.graphql(LIST_IDS, {}, bearer(await token({ expiresInSeconds: -10 })));
    expect(response.errors).toBeUndefined();
    expect(response.data).toEqual({ customers: { nodes: expect.any(Array) } });
  });
});

describeDb('authentication with a JWKS URL', () => {
  let t: TestServer;
  let jwks: JwksServer;
  let rsa: SigningKey;
  let ec: SigningKey;

  beforeAll(async () => {
    rsa = await generateSigningKey('RS256', 'rsa-1');
    ec = await generateSigningKey('ES256', 'ec-1');
    jwks = await startJwksServer([rsa, ec]);
    t = await startTestServer({ AUTH_JWKS_URL: jwks.url });
  });
  afterAll(async () => {
    await t.close();
    await jwks.close();
  });

  it.each([['RS256'], ['ES256']])('verifies %s tokens against the served key set', async (alg) => {
    const key = alg === 'RS256' ? rsa : ec;
    const brand = `jwks-${alg.toLowerCase()}`;
    const response = await t.graphql<{ createCustomer: { customer: { id: string } } }>(
      CREATE,
      { input: { givenName: 'Keyed' } },
      bearer(await signedToken(key, { claims: { brand } })),
    );
    expect(response.errors).toBeUndefined();
    expect(await brandOf(t, response.data!.createCustomer.customer.id)).toBe(brand);
  });

  it('refuses a token signed with a key the set does not hold', async () => {
    const stranger = await generateSigningKey('RS256', 'unknown-kid');
    const response = await t.graphql(LIST_IDS, {}, bearer(await signedToken(stranger)));
    expect(codesOf(response)).toEqual(['UNAUTHENTICATED']);
  });

  it('refuses a token that names a known kid but was signed by another key', async () => {
    const impostor = await generateSigningKey('RS256', 'rsa-1');
    const response = await t.graphql(LIST_IDS, {}, bearer(await signedToken(impostor)));
    expect(codesOf(response)).toEqual(['UNAUTHENTICATED']);
  });

  it('refuses an HS256 token even when it is signed with a public key as the secret', async () => {
    const secret = JSON.stringify(rsa.publicJwk);
    const response = await t.graphql(LIST_IDS, {}, bearer(await hs256Token({}, secret)));
    expect(codesOf(response)).toEqual(['UNAUTHENTICATED']);
  });
});

describeDb('JWKS key rotation', () => {
  let t: TestServer;
  let jwks: JwksServer;

  afterEach(() => jest.restoreAllMocks());
  afterAll(async () => {
    await t?.close();
    await jwks?.close();
  });

  it('fetches the key set again when a token names a key id it has not seen', async () => {
    const old = await generateSigningKey('RS256', 'old');
    const next = await generateSigningKey('ES256', 'next');
    jwks = await startJwksServer([old]);
    t = await startTestServer({ AUTH_JWKS_URL: jwks.url });
    // The key set is fetched when the first token arrives, not at start.
    expect(jwks.fetches).toBe(0);
    expect((await t.graphql(LIST_IDS, {}, bearer(await signedToken(old)))).errors).toBeUndefined();
    expect(jwks.fetches).toBe(1);

    jwks.serve([old, next]);
    // jose refetches for an unknown kid only after a 30 s cooldown since the last fetch: move its clock past it.
    const realNow = Date.now.bind(Date);
    jest.spyOn(Date, 'now').mockImplementation(() => realNow() + 31_000);
    const response = await t.graphql(LIST_IDS, {}, bearer(await signedToken(next)));
    expect(response.errors).toBeUndefined();
    expect(jwks.fetches).toBe(2);
  });
});

describeDb('the router secret', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer({ ROUTER_SECRET });
  });
  afterAll(() => t.close());

  const post = (headers: Record<string, string>) =>
    fetch(t.server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query: LIST_IDS }),
    });

  it('refuses a request without the x-router-secret header with 401', async () => {
    const response = await post({});
    expect(response.status).toBe(401);
    expect(((await response.json()) as GraphQLResponse<unknown>).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('refuses a request with a wrong x-router-secret with 401', async () => {
    expect((await post({ 'x-router-secret': `${ROUTER_SECRET}x` })).status).toBe(401);
    expect((await post({ 'x-router-secret': ROUTER_SECRET.slice(0, -1) + 'X' })).status).toBe(401);
  });

  it('serves a request that carries the secret', async () => {
    const response = await post({ 'x-router-secret': ROUTER_SECRET });
    expect(response.status).toBe(200);
    expect(((await response.json()) as GraphQLResponse<unknown>).data).toEqual({ customers: { nodes: [] } });
  });

  it('still answers /health without the secret', async () => {
    const response = await fetch(t.server.url.replace(/\/graphql$/, '/health'));
    expect(response.status).toBe(200);
  });
});

describeDb('development mode (no AUTH_* setting)', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.close());

  it('acts as brand "default" with every scope when no token is sent', async () => {
    const created = await t.graphql<{ createCustomer: { customer: { id: string } } }>(CREATE, { input: { givenName: 'Dev' } });
    expect(created.errors).toBeUndefined();
    const id = created.data!.createCustomer.customer.id;
    expect(await brandOf(t, id)).toBe('default');
    const purged = await t.graphql<{ purgeCustomer: { deletedCustomerId: string | null } }>(
      'mutation ($id: ID!) { purgeCustomer(id: $id) { deletedCustomerId } }',
      { id },
    );
    expect(purged.errors).toBeUndefined();
    expect(purged.data!.purgeCustomer.deletedCustomerId).toBe(id);
    const missing = await t.graphql('mutation ($id: ID!) { purgeCustomer(id: $id) { deletedCustomerId } }', { id: ABSENT_CUSTOMER_ID });
    expect(missing.errors).toBeUndefined();
  });
});

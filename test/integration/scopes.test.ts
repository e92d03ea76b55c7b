import { ABSENT_CUSTOMER_ID } from '../helpers/ids';
import { RootOperation, rootOperations } from '../helpers/root-operations';
import { describeDb, GraphQLResponse, startTestServer, TestServer } from '../helpers/test-server';
import { bearer, hs256Token, TEST_JWT_SECRET } from '../helpers/tokens';

const READ = 'customer:read';
const WRITE = 'customer:write';
const PURGE = 'customer:purge';
const ALL = [READ, WRITE, PURGE];
const BRAND = 'scoped';

/** The scope the contract asks for on each root field. */
function requiredScope(operation: RootOperation): string {
  if (operation.kind === 'query') return READ;
  return operation.field === 'purgeCustomer' ? PURGE : WRITE;
}

function codesOf(response: GraphQLResponse<unknown>): unknown[] {
  return (response.errors ?? []).map((error) => error.extensions?.code);
}

async function headersWith(scopes: string[]): Promise<Record<string, string>> {
  return bearer(await hs256Token({ claims: { brand: BRAND, scope: scopes.join(' ') } }));
}

describeDb('scopes', () => {
  let t: TestServer;
  let operations: RootOperation[];

  beforeAll(async () => {
    t = await startTestServer({ AUTH_JWT_SECRET: TEST_JWT_SECRET });
    operations = await rootOperations();
  });
  afterAll(() => t.close());

  it('answers FORBIDDEN on every query and mutation field for a token lacking its scope', async () => {
    expect(operations.filter((operation) => operation.kind === 'mutation').length).toBeGreaterThanOrEqual(11);
    const codes: Record<string, unknown> = {};
    for (const operation of operations) {
      const others = ALL.filter((scope) => scope !== requiredScope(operation));
      codes[operation.field] = codesOf(await t.graphql(operation.query, operation.variables, await headersWith(others)));
    }
    expect(codes).toEqual(Object.fromEntries(operations.map((operation) => [operation.field, ['FORBIDDEN']])));
  });

  it('answers FORBIDDEN on every field for a token with no scope at all', async () => {
    const codes: Record<string, unknown> = {};
    for (const operation of operations) {
      codes[operation.field] = codesOf(await t.graphql(operation.query, operation.variables, await headersWith([])));
    }
    expect(codes).toEqual(Object.fromEntries(operations.map((operation) => [operation.field, ['FORBIDDEN']])));
  });

  it('serves every field to a token holding just its scope', async () => {
    const codes: Record<string, unknown> = {};
    for (const operation of operations) {
      const response = await t.graphql(operation.query, operation.variables, await headersWith([requiredScope(operation)]));
      codes[operation.field] = codesOf(response);
    }
    expect(codes).toEqual(Object.fromEntries(operations.map((operation) => [operation.field, []])));
  });

  it('needs customer:read to resolve entities', async () => {
    const query = 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id } } }';
    const variables = { r: [{ __typename: 'Customer', id: ABSENT_CUSTOMER_ID }] };
    expect(codesOf(await t.graphql(query, variables, await headersWith([WRITE, PURGE])))).toEqual(['FORBIDDEN']);
    const allowed = await t.graphql(query, variables, await headersWith([READ]));
    expect(allowed.errors).toBeUndefined();
    expect(allowed.data).toEqual({ _entities: [null] });
  });

  it('needs customer:read to read Customer fields in a mutation payload', async () => {
    const writeOnly = await headersWith([WRITE]);
    const created = await t.graphql<{ createCustomer: { customer: { id: string } | null; userErrors: unknown[] } }>(
      'mutation { createCustomer(input: { givenName: "Payload" }) { customer { id givenName } userErrors { code } } }',
      {},
      writeOnly,
    );
    expect(codesOf(created)).toContain('FORBIDDEN');
    expect(created.data?.createCustomer.customer ?? null).toBeNull();
    expect(JSON.stringify(created)).not.toContain('Payload');
    const [row] = await t.sql<{ id: string }>("SELECT id FROM customers WHERE given_name = 'Payload'");
    expect(row).toBeDefined();

    const channel = await t.graphql(
      `mutation ($id: ID!) { addCustomerChannel(customerId: $id, channel: { type: OTHER, value: "secret-handle" }) {
        channel { value } userErrors { code } } }`,
      { id: row!.id },
      writeOnly,
    );
    expect(codesOf(channel)).toEqual(['FORBIDDEN']);
    expect(JSON.stringify(channel)).not.toContain('secret-handle');

    const activity = await t.graphql(
      `mutation ($id: ID!) { recordCustomerActivity(input: { customerId: $id, type: "note", message: "hidden-message" }) {
        activity { message } userErrors { code } } }`,
      { id: row!.id },
      writeOnly,
    );
    expect(codesOf(activity)).toEqual(['FORBIDDEN']);
    expect(JSON.stringify(activity)).not.toContain('hidden-message');

    const withRead = await t.graphql<{ createCustomer: { customer: { givenName: string } | null } }>(
      'mutation { createCustomer(input: { givenName: "Readable" }) { customer { givenName } userErrors { code } } }',
      {},
      await headersWith([READ, WRITE]),
    );
    expect(withRead.errors).toBeUndefined();
    expect(withRead.data?.createCustomer.customer?.givenName).toBe('Readable');
  });
});

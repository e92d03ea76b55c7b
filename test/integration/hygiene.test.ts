import { GraphQLField, GraphQLSchema } from 'graphql';
import { buildCustomerSchema } from '../../src/api/schema';
import { argumentsAsVariables, collectUserErrors, stringInputPaths, userErrorSelection, withValueAt } from '../helpers/input-paths';
import { describeDb, GraphQLResponse, startTestServer, TestServer } from '../helpers/test-server';
import { bearer, hs256Token, TEST_JWT_SECRET } from '../helpers/tokens';

/** Production refuses the built-in cursor key. */
const PRODUCTION_CURSOR_SECRET = 'hygiene-test-cursor-secret';

// Some tests start their own server (and, on MySQL, a database) inside the test.
jest.setTimeout(60_000);

const BAD_STRINGS: Array<[string, string]> = [
  ['a NUL byte', 'ab\u0000cd'],
  ['a lone high surrogate', 'ab\ud800cd'],
  ['a lone low surrogate', '\udc00'],
  ['100,000 characters', 'x'.repeat(100_000)],
];

function codesOf(response: GraphQLResponse<unknown>): unknown[] {
  return (response.errors ?? []).map((error) => error.extensions?.code);
}

describeDb('request hygiene', () => {
  describe('body size', () => {
    let t: TestServer;
    beforeAll(async () => {
      t = await startTestServer({ BODY_LIMIT_BYTES: '4096' });
    });
    afterAll(() => t.close());

    it('answers a body above BODY_LIMIT_BYTES with HTTP 413 and a JSON error', async () => {
      const response = await fetch(t.server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ customers { totalCount } }', variables: { padding: 'p'.repeat(5000) } }),
      });
      expect(response.status).toBe(413);
      expect(response.headers.get('content-type')).toMatch(/application\/json/);
      const body = (await response.json()) as GraphQLResponse<unknown>;
      expect(body.errors?.[0]?.extensions?.code).toBe('PAYLOAD_TOO_LARGE');
    });

    it('serves a body below the limit', async () => {
      const response = await t.graphql('{ customers { totalCount } }', { padding: 'p'.repeat(3000) });
      expect(response.errors).toBeUndefined();
    });

    it('answers malformed JSON with HTTP 400 and a JSON error', async () => {
      const response = await fetch(t.server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
      expect(response.status).toBe(400);
      expect(((await response.json()) as GraphQLResponse<unknown>).errors).toHaveLength(1);
    });
  });

  describe('introspection in production', () => {
    const introspect = '{ __schema { queryType { name } } }';

    it('is off with NODE_ENV=production, while the router can still read the SDL', async () => {
      const t = await startTestServer({
        NODE_ENV: 'production',
        CURSOR_SECRET: PRODUCTION_CURSOR_SECRET,
        AUTH_JWT_SECRET: TEST_JWT_SECRET,
      });
      try {
        const headers = bearer(await hs256Token());
        const refused = await t.graphql(introspect, {}, headers);
        expect(refused.data).toBeUndefined();
        expect(refused.errors?.[0]?.message).toMatch(/introspection/i);
        const typeQuery = await t.graphql('{ __type(name: "Customer") { name } }', {}, headers);
        expect(typeQuery.data).toBeUndefined();
        const sdl = await t.graphql<{ _service: { sdl: string } }>('{ _service { sdl } }', {}, headers);
        expect(sdl.data?._service.sdl).toContain('type Customer');
      } finally {
        await t.close();
      }
    });

    it('is on with NODE_ENV=production and ENABLE_INTROSPECTION=true', async () => {
      const t = await startTestServer({
        NODE_ENV: 'production',
        CURSOR_SECRET: PRODUCTION_CURSOR_SECRET,
        AUTH_JWT_SECRET: TEST_JWT_SECRET,
        ENABLE_INTROSPECTION: 'true',
      });
      try {
        const response = await t.graphql(introspect, {}, bearer(await hs256Token()));
        expect(response.errors).toBeUndefined();
        expect(response.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
      } finally {
        await t.close();
      }
    });
  });

  describe('schema exposure in production', () => {
    const sdlQuery = '{ _service { sdl } }';
    const misspelt = '{ customers(first: 1) { nodes { nam } } }';
    const misspeltEnum = '{ customers(first: 1) { nodes { channels(type: EMAL) { id } } } }';
    const misspeltVariable = 'query ($type: ChannelType) { customers(first: 1) { nodes { channels(type: $type) { id } } } }';

    async function messagesOf(t: TestServer, headers: Record<string, string>): Promise<string[]> {
      const responses = [await t.graphql(misspelt, {}, headers), await t.graphql(misspeltEnum, {}, headers)];
      responses.push(await t.graphql(misspeltVariable, { type: 'EMAL' }, headers));
      return responses.map((response) => {
        expect(response.data).toBeUndefined();
        expect(response.errors).toHaveLength(1);
        return response.errors![0]!.message;
      });
    }

    it('refuses _service without a token with UNAUTHENTICATED, before execution, and serves it with one', async () => {
      const t = await startTestServer({
        NODE_ENV: 'production',
        CURSOR_SECRET: PRODUCTION_CURSOR_SECRET,
        AUTH_JWT_SECRET: TEST_JWT_SECRET,
      });
      try {
        for (const query of [
          sdlQuery,
          '{ ...S } fragment S on Query { _service { sdl } }',
          '{ customerFlagDefinitions { name } _service { sdl } }',
        ]) {
          const refused = await t.graphql(query);
          expect(codesOf(refused)).toEqual(['UNAUTHENTICATED']);
          expect(refused.data).toBeUndefined();
          expect(JSON.stringify(refused)).not.toContain('type Customer');
        }
        const served = await t.graphql<{ _service: { sdl: string } }>(sdlQuery, {}, bearer(await hs256Token({ claims: { scope: '' } })));
        expect(served.data?._service.sdl).toContain('type Customer');
      } finally {
        await t.close();
      }
    });

    it('serves _service to the router by its secret alone when ROUTER_SECRET is set, and refuses everyone else', async () => {
      const routerSecret = 'router-secret-0123456789';
      const t = await startTestServer({
        NODE_ENV: 'production',
        CURSOR_SECRET: PRODUCTION_CURSOR_SECRET,
        AUTH_JWT_SECRET: TEST_JWT_SECRET,
        ROUTER_SECRET: routerSecret,
      });
      try {
        const served = await t.graphql<{ _service: { sdl: string } }>(sdlQuery, {}, { 'x-router-secret': routerSecret });
        expect(served.data?._service.sdl).toContain('type Customer');
        expect(codesOf(await t.graphql(sdlQuery))).toEqual(['UNAUTHENTICATED']);
      } finally {
        await t.close();
      }
    });

    it('answers misspelt fields and enum values without "Did you mean" suggestions', async () => {
      const t = await startTestServer({
        NODE_ENV: 'production',
        CURSOR_SECRET: PRODUCTION_CURSOR_SECRET,
        AUTH_JWT_SECRET: TEST_JWT_SECRET,
      });
      try {
        for (const headers of [{}, bearer(await hs256Token())]) {
          const messages = await messagesOf(t, headers);
          expect(messages[0]).toMatch(/Cannot query field "nam"/);
          expect(messages[1]).toMatch(/"EMAL"/);
          expect(messages[2]).toMatch(/"EMAL"/);
          for (const message of messages) {
            expect(message).not.toMatch(/did you mean/i);
            expect(message).not.toMatch(/"name"|"EMAIL"/);
          }
        }
      } finally {
        await t.close();
      }
    });

    it('keeps the suggestions outside production', async () => {
      const t = await startTestServer({ NODE_ENV: 'development' });
      try {
        for (const message of await messagesOf(t, {})) expect(message).toMatch(/Did you mean/);
      } finally {
        await t.close();
      }
    });
  });

  describe('internal errors', () => {
    /** Starts a server, breaks its database for real, and returns the error a read then gets. */
    async function internalErrorIn(env: Record<string, string>) {
      const t = await startTestServer(env);
      try {
        const headers = env.AUTH_JWT_SECRET ? bearer(await hs256Token()) : {};
        const created = await t.graphql('mutation { createCustomer(input: { givenName: "Broken" }) { customer { id } } }', {}, headers);
        expect(created.errors).toBeUndefined();
        await t.sql('DROP TABLE customer_flags');
        const response = await t.graphql<{ customers: unknown }>('{ customers { nodes { id flags { totalCount } } } }', {}, headers);
        expect(response.errors).toHaveLength(1);
        return response.errors![0]!;
      } finally {
        await t.close();
      }
    }

    it.each([
      ['test', { NODE_ENV: 'test' }],
      ['production', { NODE_ENV: 'production', CURSOR_SECRET: PRODUCTION_CURSOR_SECRET, AUTH_JWT_SECRET: TEST_JWT_SECRET }],
    ])('are masked with NODE_ENV=%s: INTERNAL_SERVER_ERROR, a generic message, no stack trace', async (_env, env) => {
      const error = await internalErrorIn(env);
      expect(error.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
      expect(error.message).toBe('Internal server error');
      expect(error.extensions).not.toHaveProperty('stacktrace');
      expect(JSON.stringify(error)).not.toMatch(/customer_flags|SQL|no such table|doesn't exist/i);
    });

    it('carry a stack trace in development only', async () => {
      const error = await internalErrorIn({ NODE_ENV: 'development' });
      expect(error.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
      expect(error.extensions?.stacktrace).toEqual(expect.any(Array));
    });
  });

  describe('hostile strings', () => {
    let t: TestServer;
    let schema: GraphQLSchema;
    let customerId: string;
    let channelId: string;

    /** A valid call of each mutation, so that a refusal can only come from the value under test. */
    const baselines = (): Record<string, Record<string, unknown>> => ({
      createCustomer: { input: { givenName: 'Base', channels: [{ type: 'OTHER', value: 'base-handle' }], flags: ['vip'] } },
      updateCustomer: { input: { id: customerId } },
      upsertCustomer: { input: { externalId: 'base-upsert' } },
      upsertCustomers: { inputs: [{ externalId: 'base-upsert' }] },
      deleteCustomer: { id: customerId },
      purgeCustomer: { id: customerId },
      addCustomerFlag: { customerId, flag: 'vip' },
      removeCustomerFlag: { customerId, flag: 'vip' },
      addCustomerChannel: { customerId, channel: { type: 'OTHER', value: 'other-handle' } },
      removeCustomerChannel: { customerId, channelId },
      recordCustomerActivity: { input: { customerId, type: 'note' } },
      mergeCustomers: { input: { survivorId: customerId, mergedId: 'cus_00000000000000000000000000' } },
    });

    beforeAll(async () => {
      t = await startTestServer();
      schema = await buildCustomerSchema();
      const created = await t.graphql<{ createCustomer: { customer: { id: string; channels: Array<{ id: string }> } } }>(
        'mutation { createCustomer(input: { givenName: "Target", channels: [{ type: OTHER, value: "target-handle" }] }) { customer { id channels { id } } } }',
      );
      customerId = created.data!.createCustomer.customer.id;
      channelId = created.data!.createCustomer.customer.channels[0]!.id;
    });
    afterAll(() => t.close());

    const rootFields = (kind: 'query' | 'mutation'): GraphQLField<unknown, unknown>[] =>
      Object.values((kind === 'query' ? schema.getQueryType() : schema.getMutationType())!.getFields()).filter(
        (field) => !field.name.startsWith('_'),
      );

    it.each(BAD_STRINGS)('refuses %s in every string input of every mutation with a userError at its path', async (_name, bad) => {
      const outcomes: Record<string, unknown> = {};
      const expected: Record<string, unknown> = {};
      const base = baselines();
      const fields = rootFields('mutation');
      expect(fields.map((field) => field.name).sort()).toEqual(Object.keys(base).sort());
      for (const field of fields) {
        const { declarations, args } = argumentsAsVariables(field);
        const query = `mutation${declarations} { ${field.name}${args} { ${userErrorSelection(field.type)} } }`;
        for (const path of [...stringInputPaths(field)]) {
          const label = `${field.name}:${path.join('.')}`;
          const response = await t.graphql<Record<string, unknown>>(query, withValueAt(base[field.name]!, path, bad));
          const codes = codesOf(response);
          if (codes.length > 0) {
            outcomes[label] = codes.every((code) => code === 'BAD_USER_INPUT') ? 'refused' : codes;
          } else {
            const errors = collectUserErrors(response.data);
            outcomes[label] = errors.some((error) => (error.field ?? []).join('.') === path.join('.')) ? 'refused' : errors;
          }
          expected[label] = 'refused';
        }
      }
      expect(outcomes).toEqual(expected);
      const [row] = await t.sql<{ n: number | string }>('SELECT COUNT(*) AS n FROM customers');
      expect(Number(row!.n)).toBe(1);
    });

    it.each(BAD_STRINGS)('answers %s in every string argument of every query without an internal error', async (_name, bad) => {
      const outcomes: Record<string, unknown> = {};
      const expected: Record<string, unknown> = {};
      const base: Record<string, Record<string, unknown>> = {
        customer: { id: customerId },
        customerByExternalId: { externalId: 'none' },
        customers: { filter: {} },
        customerFlagDefinitions: {},
        customerEvents: {},
        customerImport: { id: 'imp_none' },
        customerDataExport: { id: customerId },
      };
      const fields = rootFields('query');
      expect(fields.map((field) => field.name).sort()).toEqual(Object.keys(base).sort());
      for (const field of fields) {
        const { declarations, args } = argumentsAsVariables(field);
        // A scalar (customerDataExport's JSONObject) takes no selection.
        const selection =
          field.name === 'customers' ? '{ totalCount nodes { id } }' : field.name === 'customerDataExport' ? '' : '{ __typename }';
        const query = `query${declarations} { ${field.name}${args} ${selection} }`;
        for (const path of stringInputPaths(field)) {
          const response = await t.graphql(query, withValueAt(base[field.name]!, path, bad));
          const label = `${field.name}:${path.join('.')}`;
          const codes = codesOf(response);
          outcomes[label] = codes.every((code) => code === 'BAD_USER_INPUT') ? 'answered' : codes;
          expected[label] = 'answered';
        }
      }
      const nested = await t.graphql(
        `query ($id: ID!, $types: [String!], $after: String, $flagsAfter: String) {
          customer(id: $id) { activities(after: $after, filter: { types: $types }) { totalCount } flags(after: $flagsAfter) { totalCount } }
        }`,
        { id: customerId, types: [bad], after: null, flagsAfter: null },
      );
      outcomes['customer.activities:filter.types'] = codesOf(nested).every((code) => code === 'BAD_USER_INPUT')
        ? 'answered'
        : codesOf(nested);
      expected['customer.activities:filter.types'] = 'answered';
      for (const [name, variables] of [
        ['customer.activities:after', { id: customerId, after: bad }],
        ['customer.flags:after', { id: customerId, flagsAfter: bad }],
      ] as const) {
        const response = await t.graphql(
          `query ($id: ID!, $after: String, $flagsAfter: String) {
            customer(id: $id) { activities(after: $after) { totalCount } flags(after: $flagsAfter) { totalCount } }
          }`,
          variables,
        );
        outcomes[name] =
          codesOf(response).length > 0 && codesOf(response).every((code) => code === 'BAD_USER_INPUT') ? 'answered' : codesOf(response);
        expected[name] = 'answered';
      }
      expect(outcomes).toEqual(expected);
    });

    it('matches a name filter as long as the longest full name, and refuses a longer one with BAD_USER_INPUT', async () => {
      const givenName = 'G'.repeat(100);
      const familyName = 'F'.repeat(100);
      const created = await t.graphql(
        'mutation ($g: String, $f: String) { createCustomer(input: { givenName: $g, familyName: $f }) { userErrors { code } } }',
        {
          g: givenName,
          f: familyName,
        },
      );
      expect(created.data).toEqual({ createCustomer: { userErrors: [] } });
      const query = 'query ($name: String) { customers(filter: { name: $name }) { totalCount } }';
      const longest = await t.graphql(query, { name: `${givenName} ${familyName}` });
      expect(longest).toEqual({ data: { customers: { totalCount: 1 } } });
      const longer = await t.graphql(query, { name: `${givenName} ${familyName}F` });
      expect(codesOf(longer)).toEqual(['BAD_USER_INPUT']);
      await t.sql('DELETE FROM customer_activities WHERE customer_id IN (SELECT id FROM customers WHERE given_name = ?)', [givenName]);
      await t.sql('DELETE FROM customers WHERE given_name = ?', [givenName]);
    });

    it('parses a lone surrogate sent as raw JSON text and refuses it', async () => {
      const body = `{"query":"mutation ($n: String) { createCustomer(input: { givenName: $n }) { userErrors { field code } } }","variables":{"n":"A\\ud800B"}}`;
      const response = await fetch(t.server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      const parsed = (await response.json()) as GraphQLResponse<{
        createCustomer: { userErrors: Array<{ field: string[]; code: string }> };
      }>;
      expect(parsed.errors).toBeUndefined();
      expect(parsed.data!.createCustomer.userErrors).toEqual([{ field: ['input', 'givenName'], code: 'INVALID' }]);
    });
  });
});

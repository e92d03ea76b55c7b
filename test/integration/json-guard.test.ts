import {
  CREATE_CUSTOMER,
  createValidCustomer,
  CustomerView,
  dataOf,
  gql,
  PayloadView,
  UPDATE_CUSTOMER,
  UPSERT_CUSTOMER,
  UPSERT_CUSTOMERS,
} from '../helpers/customer-api';
import { ACTIVITY_FIELDS } from '../helpers/nested-api';
import { describeDb, GraphQLResponse, startTestServer, TestServer } from '../helpers/test-server';

/**
 * The contract's JSON rules for metadata and activity data: at most 32 levels of
 * nesting (deeper: LIMIT_EXCEEDED at the field's path, never a crash), and every
 * key, `__proto__` and `constructor` included, kept like any other.
 */

/** `{"a":{"a":…1…}}` with `levels` objects, as JSON text: too deep for JSON.stringify on the test's side. */
function nestedObjectText(levels: number): string {
  return '{"a":'.repeat(levels - 1) + '{"a":1}' + '}'.repeat(levels - 1);
}

/** Posts an operation whose variables are given as JSON text, and returns the parsed response. */
async function postRaw<T>(t: TestServer, query: string, variablesText: string): Promise<{ status: number; body: GraphQLResponse<T> }> {
  const response = await fetch(t.server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: `{"query":${JSON.stringify(query)},"variables":${variablesText}}`,
  });
  return { status: response.status, body: (await response.json()) as GraphQLResponse<T> };
}

const RECORD_ACTIVITY = /* GraphQL */ `
  mutation Record($input: RecordCustomerActivityInput!) {
    recordCustomerActivity(input: $input) { activity { ${ACTIVITY_FIELDS} } userErrors { field message code } }
  }
`;

const READ_BACK = /* GraphQL */ `
  query ReadBack($id: ID!) {
    customer(id: $id) {
      metadata
      version
      activities(filter: { origin: EXTERNAL }) {
        nodes {
          data
        }
      }
    }
  }
`;

describeDb('JSON metadata and activity data', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer();
  });

  afterAll(async () => {
    await t?.close();
  });

  describe('nesting depth', () => {
    const DEEP = nestedObjectText(6000);

    it('refuses metadata nested 6,000 levels with LIMIT_EXCEEDED at its path on create, update, upsert and upsertCustomers', async () => {
      const customer = await createValidCustomer(t, { givenName: 'Deep', familyName: 'Metadata' });
      const cases: Array<{ query: string; variables: string; payload: (data: Record<string, unknown>) => unknown; path: string[] }> = [
        {
          query: CREATE_CUSTOMER,
          variables: `{"input":{"givenName":"Deep","metadata":${DEEP}}}`,
          payload: (data) => data.createCustomer,
          path: ['input', 'metadata'],
        },
        {
          query: UPDATE_CUSTOMER,
          variables: `{"input":{"id":"${customer.id}","metadata":${DEEP}}}`,
          payload: (data) => data.updateCustomer,
          path: ['input', 'metadata'],
        },
        {
          query: UPSERT_CUSTOMER,
          variables: `{"input":{"externalId":"deep-1","givenName":"Deep","metadata":${DEEP}}}`,
          payload: (data) => data.upsertCustomer,
          path: ['input', 'metadata'],
        },
        {
          query: UPSERT_CUSTOMERS,
          variables: `{"inputs":[{"externalId":"deep-2","givenName":"Deep"},{"externalId":"deep-3","givenName":"Deep","metadata":${DEEP}}]}`,
          payload: (data) => (data.upsertCustomers as { results: unknown[] }).results[1],
          path: ['inputs', '1', 'metadata'],
        },
      ];
      for (const { query, variables, payload, path } of cases) {
        const { status, body } = await postRaw<Record<string, unknown>>(t, query, variables);
        expect(status).toBe(200);
        const result = payload(dataOf(body)) as PayloadView;
        expect(result.customer).toBeNull();
        expect(result.userErrors).toEqual([{ field: path, code: 'LIMIT_EXCEEDED', message: expect.stringMatching(/32 levels/) }]);
      }
      const read = await gql<{ customer: { metadata: unknown; version: number } }>(t, READ_BACK, { id: customer.id });
      expect(read.customer).toMatchObject({ metadata: {}, version: 1 });
      expect((await fetch(new URL('/health', t.server.url))).status).toBe(200);
    });

    it('refuses activity data nested 6,000 levels with LIMIT_EXCEEDED at input.data', async () => {
      const customer = await createValidCustomer(t, { givenName: 'Deep', familyName: 'Data' });
      const { status, body } = await postRaw<{ recordCustomerActivity: { activity: unknown; userErrors: unknown[] } }>(
        t,
        RECORD_ACTIVITY,
        `{"input":{"customerId":"${customer.id}","type":"deep","data":${DEEP}}}`,
      );
      expect(status).toBe(200);
      expect(dataOf(body).recordCustomerActivity).toEqual({
        activity: null,
        userErrors: [{ field: ['input', 'data'], code: 'LIMIT_EXCEEDED', message: expect.stringMatching(/32 levels/) }],
      });
    });

    it('keeps 32 levels (objects and arrays alike) and refuses 33', async () => {
      const atLimit = nestedObjectText(32);
      const created = await postRaw<{ createCustomer: PayloadView }>(
        t,
        CREATE_CUSTOMER,
        `{"input":{"givenName":"Deep","metadata":${atLimit}}}`,
      );
      const customer = dataOf(created.body).createCustomer;
      expect(customer.userErrors).toEqual([]);
      expect(JSON.stringify(customer.customer!.metadata)).toBe(atLimit);
      const read = await gql<{ customer: { metadata: unknown } }>(t, READ_BACK, { id: customer.customer!.id });
      expect(JSON.stringify(read.customer.metadata)).toBe(atLimit);

      const arrays = `{"a":${'['.repeat(31)}1${']'.repeat(31)}}`;
      expect(
        dataOf(
          (await postRaw<{ createCustomer: PayloadView }>(t, CREATE_CUSTOMER, `{"input":{"givenName":"Deep","metadata":${arrays}}}`)).body,
        ).createCustomer.userErrors,
      ).toEqual([]);
      const tooDeepArrays = `{"a":${'['.repeat(32)}1${']'.repeat(32)}}`;
      for (const metadata of [nestedObjectText(33), tooDeepArrays]) {
        const refused = await postRaw<{ createCustomer: PayloadView }>(
          t,
          CREATE_CUSTOMER,
          `{"input":{"givenName":"Deep","metadata":${metadata}}}`,
        );
        expect(dataOf(refused.body).createCustomer.userErrors).toEqual([
          { field: ['input', 'metadata'], code: 'LIMIT_EXCEEDED', message: expect.stringMatching(/32 levels/) },
        ]);
      }
    });

    it('refuses an _entities representation whose id is deeply nested JSON with BAD_USER_INPUT', async () => {
      const { status, body } = await postRaw(
        t,
        'query Entities($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id } } }',
        `{"r":[{"__typename":"Customer","id":${DEEP}}]}`,
      );
      expect(status).toBe(200);
      expect(body.errors?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    });
  });

  describe('every key is kept, __proto__ included', () => {
    async function update(id: string, metadataText: string): Promise<CustomerView> {
      const { body } = await postRaw<{ updateCustomer: PayloadView }>(
        t,
        UPDATE_CUSTOMER,
        `{"input":{"id":"${id}","metadata":${metadataText}}}`,
      );
      const payload = dataOf(body).updateCustomer;
      expect(payload.userErrors).toEqual([]);
      return payload.customer!;
    }

    async function readBack(id: string): Promise<{ metadata: string; version: number; data: string[] }> {
      const read = (
        await gql<{ customer: { metadata: unknown; version: number; activities: { nodes: Array<{ data: unknown }> } } }>(t, READ_BACK, {
          id,
        })
      ).customer;
      return {
        metadata: JSON.stringify(read.metadata),
        version: read.version,
        data: read.activities.nodes.map((n) => JSON.stringify(n.data)),
      };
    }

    it('stores __proto__ and constructor on create and applies merge patches to them like any key', async () => {
      const { body } = await postRaw<{ createCustomer: PayloadView }>(
        t,
        CREATE_CUSTOMER,
        '{"input":{"givenName":"Proto","metadata":{"__proto__":{"x":1},"constructor":"c","toString":2}}}',
      );
      const created = dataOf(body).createCustomer.customer!;
      expect(JSON.stringify(created.metadata)).toBe('{"__proto__":{"x":1},"constructor":"c","toString":2}');

      expect(JSON.stringify((await update(created.id, '{"__proto__":{"y":2}}')).metadata)).toBe(
        '{"__proto__":{"x":1,"y":2},"constructor":"c","toString":2}',
      );
      expect(JSON.stringify((await update(created.id, '{"__proto__":"replaced","constructor":{"__proto__":1}}')).metadata)).toBe(
        '{"__proto__":"replaced","constructor":{"__proto__":1},"toString":2}',
      );
      expect(JSON.stringify((await update(created.id, '{"__proto__":null,"toString":null}')).metadata)).toBe(
        '{"constructor":{"__proto__":1}}',
      );
      const added = await update(created.id, '{"__proto__":{"__proto__":{"deep":true}}}');
      expect(JSON.stringify(added.metadata)).toBe('{"constructor":{"__proto__":1},"__proto__":{"__proto__":{"deep":true}}}');
      expect(added.version).toBe(5);
      expect(await readBack(created.id)).toEqual({
        metadata: '{"constructor":{"__proto__":1},"__proto__":{"__proto__":{"deep":true}}}',
        version: 5,
        data: [],
      });
    });

    it('keeps __proto__ given as a literal in the operation text, not only in variables', async () => {
      const customer = await createValidCustomer(t, { givenName: 'Proto', familyName: 'Literal', metadata: { k: 1 } });
      const response = await t.graphql<{ updateCustomer: PayloadView }>(
        `mutation { updateCustomer(input: { id: "${customer.id}", metadata: { __proto__: { x: 1 } } }) { customer { metadata } userErrors { code } } }`,
      );
      expect(JSON.stringify(dataOf(response).updateCustomer.customer!.metadata)).toBe('{"k":1,"__proto__":{"x":1}}');
      expect((await readBack(customer.id)).metadata).toBe('{"k":1,"__proto__":{"x":1}}');
    });

    it('keeps __proto__ through upsertCustomer, upsertCustomers and activity data', async () => {
      const upserted = async (query: string, variables: string, pick: (data: Record<string, unknown>) => unknown) =>
        pick(dataOf((await postRaw<Record<string, unknown>>(t, query, variables)).body)) as PayloadView;
      const created = await upserted(
        UPSERT_CUSTOMER,
        '{"input":{"externalId":"proto-1","givenName":"Proto","metadata":{"k":1}}}',
        (d) => d.upsertCustomer,
      );
      expect(JSON.stringify(created.customer!.metadata)).toBe('{"k":1}');
      const updated = await upserted(
        UPSERT_CUSTOMER,
        '{"input":{"externalId":"proto-1","metadata":{"__proto__":{"q":1},"k":2}}}',
        (d) => d.upsertCustomer,
      );
      expect(JSON.stringify(updated.customer!.metadata)).toBe('{"k":2,"__proto__":{"q":1}}');
      const batch = await upserted(
        UPSERT_CUSTOMERS,
        '{"inputs":[{"externalId":"proto-1","metadata":{"__proto__":null}},{"externalId":"proto-2","givenName":"Proto","metadata":{"__proto__":[1]}}]}',
        (d) => d.upsertCustomers,
      );
      const results = (batch as unknown as { results: PayloadView[] }).results;
      expect(results.map((result) => JSON.stringify(result.customer!.metadata))).toEqual(['{"k":2}', '{"__proto__":[1]}']);

      const recorded = await postRaw<{ recordCustomerActivity: { activity: { data: unknown }; userErrors: unknown[] } }>(
        t,
        RECORD_ACTIVITY,
        `{"input":{"customerId":"${created.customer!.id}","type":"proto","data":{"__proto__":{"a":1},"b":2}}}`,
      );
      expect(JSON.stringify(dataOf(recorded.body).recordCustomerActivity.activity.data)).toBe('{"__proto__":{"a":1},"b":2}');
      expect(await readBack(created.customer!.id)).toEqual({ metadata: '{"k":2}', version: 3, data: ['{"__proto__":{"a":1},"b":2}'] });
    });
  });
});

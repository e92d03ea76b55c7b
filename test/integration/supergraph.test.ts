import { composeServices, CompositionResult } from '@apollo/composition';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { Kind, parse, print } from 'graphql';
import { SignJWT } from 'jose';
import { HeaderRecordingProxy, startHeaderRecordingProxy } from '../fixtures/header-recording-proxy';
import { stripAuthorizationDirectives } from '../../src/api/strip-authorization-directives';
import { ORDERS_SDL, OrdersSubgraph, startOrdersSubgraph } from '../fixtures/orders-subgraph';
import { describeDb, GraphQLResponse, startTestServer, TestServer } from '../helpers/test-server';

/**
 * Composition hints judged benign. None are expected today: the two subgraphs
 * share only the Customer key and a PageInfo of identical shape, and composition
 * reports nothing about either. Add a code here only with the reason it is benign.
 */
const BENIGN_HINT_CODES: ReadonlyMap<string, string> = new Map();

const AUTH_SECRET = 'supergraph-test-secret-of-at-least-32-bytes';

interface GatewayContext {
  authorization: string | undefined;
}

const silentLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** A token our subgraph accepts once authentication is configured with AUTH_JWT_SECRET; ignored before then. */
async function token(brand: string): Promise<string> {
  const jwt = await new SignJWT({ scope: 'customer:read customer:write', brand })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('supergraph-test')
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(AUTH_SECRET));
  return `Bearer ${jwt}`;
}

describeDb('Supergraph: customers and orders behind a gateway', () => {
  let t: TestServer;
  let orders: OrdersSubgraph;
  let customersProxy: HeaderRecordingProxy;
  let composition: CompositionResult;
  let gateway: ApolloServer<GatewayContext>;
  let gatewayUrl: string;
  let authorization: string;

  async function viaGateway<T>(
    query: string,
    variables: Record<string, unknown> = {},
    headers: Record<string, string> = { authorization },
  ): Promise<GraphQLResponse<T>> {
    const response = await fetch(gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as GraphQLResponse<T>;
  }

  async function createCustomers(count: number, familyName: string): Promise<string[]> {
    const inputs = Array.from({ length: count }, (_, i) => ({
      externalId: `${familyName}-${i}`,
      givenName: 'Ada',
      familyName,
      emailAddress: `${familyName}.${i}@example.com`,
    }));
    const response = await t.graphql<{ upsertCustomers: { results: Array<{ customer: { id: string } | null; userErrors: unknown[] }> } }>(
      `mutation Seed($inputs: [UpsertCustomerInput!]!) {
        upsertCustomers(inputs: $inputs) { results { customer { id } userErrors { message } } }
      }`,
      { inputs },
      { authorization },
    );
    expect(response.errors).toBeUndefined();
    expect(response.data!.upsertCustomers.results.flatMap((result) => result.userErrors)).toEqual([]);
    return response.data!.upsertCustomers.results.map((result) => result.customer!.id);
  }

  function composeWithOrders(customersSdl: string): CompositionResult {
    return composeServices([
      { name: 'customers', url: customersProxy.url, typeDefs: parse(customersSdl) },
      { name: 'orders', url: orders.url, typeDefs: parse(ORDERS_SDL) },
    ]);
  }

  beforeAll(async () => {
    authorization = await token('default');
    t = await startTestServer({ AUTH_JWT_SECRET: AUTH_SECRET });
    orders = await startOrdersSubgraph();
    customersProxy = await startHeaderRecordingProxy(t.server.url);

    const served = await t.graphql<{ _service: { sdl: string } }>('{ _service { sdl } }', {}, { authorization });
    expect(served.errors).toBeUndefined();
    const customersSdl = served.data!._service.sdl;
    composition = composeWithOrders(customersSdl);
    // @apollo/gateway refuses supergraphs that use @authenticated or @requiresScopes
    // (only the Router enforces them), so the gateway runs the variant without
    // them; our subgraph checks scopes and brand itself either way.
    const gatewayComposition = composeWithOrders(stripAuthorizationDirectives(customersSdl));
    if (gatewayComposition.errors) throw new Error(gatewayComposition.errors.map((error) => error.message).join('\n'));

    const supergraph = new ApolloGateway({
      supergraphSdl: gatewayComposition.supergraphSdl,
      logger: silentLogger,
      buildService: ({ url }) =>
        new RemoteGraphQLDataSource<GatewayContext>({
          url,
          willSendRequest({ request, context }) {
            if (context.authorization) request.http?.headers.set('authorization', context.authorization);
          },
        }),
    });
    gateway = new ApolloServer<GatewayContext>({ gateway: supergraph, logger: silentLogger });
    ({ url: gatewayUrl } = await startStandaloneServer(gateway, {
      listen: { port: 0, host: '127.0.0.1' },
      context: async ({ req }) => ({ authorization: req.headers.authorization }),
    }));
  });

  afterAll(async () => {
    await gateway?.stop();
    await customersProxy?.stop();
    await orders?.stop();
    await t?.close();
  });

  beforeEach(() => {
    orders.orders = [];
    orders.authorizations.length = 0;
    customersProxy.authorizations.length = 0;
  });

  describe('composition', () => {
    it('composes without errors', () => {
      expect(composition.errors).toBeUndefined();
      expect(composition.supergraphSdl).toContain('join__type(graph: CUSTOMERS, key: "id")');
      expect(composition.supergraphSdl).toContain('join__type(graph: ORDERS, key: "id")');
    });

    it('gives no hints but those judged benign', () => {
      const hints = (composition.hints ?? []).map((hint) => `${hint.definition.code}: ${hint.message}`);
      if (hints.length > 0) console.log(`Composition hints:\n${hints.join('\n')}`);
      expect((composition.hints ?? []).filter((hint) => !BENIGN_HINT_CODES.has(hint.definition.code)).map((hint) => hint.message)).toEqual(
        [],
      );
    });

    it("keeps the router's view of @authenticated and @requiresScopes on our queries", () => {
      expect(composition.supergraphSdl).toMatch(/customer\([^)]*\): Customer[^\n]*@authenticated/);
      expect(composition.supergraphSdl).toMatch(/customer\([^)]*\): Customer[^\n]*@requiresScopes\(scopes: \[\["customer:read"\]\]\)/);
    });
    it('declares customer:read on the types that carry customer data, so the router also guards the entity path', () => {
      const directivesOf = new Map<string, string[]>();
      for (const definition of parse(composition.supergraphSdl!).definitions) {
        if (definition.kind === Kind.OBJECT_TYPE_DEFINITION) {
          directivesOf.set(
            definition.name.value,
            (definition.directives ?? []).map((directive) => print(directive)),
          );
        }
      }
      for (const type of ['Customer', 'CustomerChannel', 'CustomerFlag', 'CustomerActivity']) {
        expect(directivesOf.get(type)).toEqual(expect.arrayContaining(['@authenticated', '@requiresScopes(scopes: [["customer:read"]])']));
      }
      expect(directivesOf.get('PageInfo')).not.toContain('@authenticated');
    });
  });

  describe('queries crossing both subgraphs', () => {
    it('resolves orders → customer { name emailAddress }, forwarding Authorization to both subgraphs', async () => {
      const [ada, grace] = await createCustomers(2, 'Lovelace');
      orders.orders = [
        { id: 'ord_1', total: 1250, customerId: ada },
        { id: 'ord_2', total: 990, customerId: grace },
        { id: 'ord_3', total: 4200, customerId: ada },
      ];

      const response = await viaGateway<{
        orders: {
          totalCount: number;
          nodes: Array<{ id: string; total: number; customer: { id: string; name: string; emailAddress: string } }>;
        };
      }>(`{ orders(first: 10) { totalCount nodes { id total customer { id name emailAddress } } } }`);

      expect(response.errors).toBeUndefined();
      expect(response.data!.orders).toEqual({
        totalCount: 3,
        nodes: [
          { id: 'ord_1', total: 1250, customer: { id: ada, name: 'Ada Lovelace', emailAddress: 'Lovelace.0@example.com' } },
          { id: 'ord_2', total: 990, customer: { id: grace, name: 'Ada Lovelace', emailAddress: 'Lovelace.1@example.com' } },
          { id: 'ord_3', total: 4200, customer: { id: ada, name: 'Ada Lovelace', emailAddress: 'Lovelace.0@example.com' } },
        ],
      });
      expect(orders.authorizations).toEqual([authorization]);
      expect(customersProxy.authorizations).toEqual([authorization]);
    });

    it('resolves customer(id) → orders', async () => {
      const [buyer, other] = await createCustomers(2, 'Hopper');
      orders.orders = [
        { id: 'ord_10', total: 100, customerId: buyer },
        { id: 'ord_11', total: 200, customerId: other },
        { id: 'ord_12', total: 300, customerId: buyer },
        { id: 'ord_13', total: 400, customerId: buyer },
      ];

      const response = await viaGateway<{
        customer: {
          name: string;
          orders: {
            totalCount: number;
            nodes: Array<{ id: string; total: number }>;
            pageInfo: { hasNextPage: boolean; endCursor: string };
          };
        } | null;
      }>(
        `query Customer($id: ID!) {
          customer(id: $id) { name orders(first: 2) { totalCount nodes { id total } pageInfo { hasNextPage endCursor } } }
        }`,
        { id: buyer },
      );

      expect(response.errors).toBeUndefined();
      expect(response.data!.customer).toEqual({
        name: 'Ada Hopper',
        orders: {
          totalCount: 3,
          nodes: [
            { id: 'ord_10', total: 100 },
            { id: 'ord_12', total: 300 },
          ],
          pageInfo: { hasNextPage: true, endCursor: 'ord_12' },
        },
      });
      expect(customersProxy.authorizations).toEqual([authorization]);
      expect(orders.authorizations).toEqual([authorization]);
    });

    it('depends on the forwarded header: without Authorization our subgraph refuses the customer fields', async () => {
      const [id] = await createCustomers(1, 'Anonymous');
      orders.orders = [{ id: 'ord_20', total: 500, customerId: id! }];

      const response = await viaGateway<{ orders: { nodes: Array<{ id: string; customer: { name: string } }> } }>(
        '{ orders(first: 1) { nodes { id customer { name } } } }',
        {},
        {},
      );

      expect(customersProxy.authorizations).toEqual([undefined]);
      expect(orders.authorizations).toEqual([undefined]);
      expect(response.errors?.map((error) => error.extensions?.code)).toContain('UNAUTHENTICATED');
      expect(JSON.stringify(response.data ?? null)).not.toContain('Anonymous');
    });

    it('resolves an order placed by a merged customer to the survivor', async () => {
      const [survivor, merged] = await createCustomers(2, 'Merger');
      const merging = await t.graphql<{ mergeCustomers: { userErrors: unknown[] } }>(
        'mutation ($input: MergeCustomersInput!) { mergeCustomers(input: $input) { userErrors { code } } }',
        { input: { survivorId: survivor, mergedId: merged } },
        { authorization },
      );
      expect(merging.data?.mergeCustomers.userErrors).toEqual([]);
      orders.orders = [
        { id: 'ord_m1', total: 10, customerId: merged! },
        { id: 'ord_m2', total: 20, customerId: survivor! },
      ];

      const response = await viaGateway<{ orders: { nodes: Array<{ id: string; customer: { id: string; emailAddress: string } }> } }>(
        '{ orders(first: 10) { nodes { id customer { id emailAddress } } } }',
      );

      expect(response.errors).toBeUndefined();
      // The router takes key fields from the representation the orders subgraph holds: the merged id stays, every other field is the survivor's.
      expect(response.data!.orders.nodes).toEqual([
        { id: 'ord_m1', customer: { id: merged, emailAddress: 'Merger.0@example.com' } },
        { id: 'ord_m2', customer: { id: survivor, emailAddress: 'Merger.0@example.com' } },
      ]);
    });

    it('resolves the customers of 100 orders with one SQL statement in our subgraph', async () => {
      const ids = await createCustomers(100, 'Batch');
      orders.orders = ids.map((customerId, i) => ({ id: `ord_b${i}`, total: i, customerId }));

      const { result, count, statements } = await t.countStatements(() =>
        viaGateway<{ orders: { nodes: Array<{ id: string; customer: { id: string; name: string } }> } }>(
          '{ orders(first: 100) { nodes { id customer { id name } } } }',
        ),
      );

      expect(result.errors).toBeUndefined();
      expect(result.data!.orders.nodes.map((order) => order.customer.id)).toEqual(ids);
      expect(statements).toHaveLength(1);
      expect(count).toBe(1);
      // One _entities request carried all 100 representations.
      expect(customersProxy.authorizations).toHaveLength(1);
    });
  });
});

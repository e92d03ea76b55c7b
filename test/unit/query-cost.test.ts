import { GraphQLSchema, OperationDefinitionNode, parse } from 'graphql';
import { DEFAULT_MAX_QUERY_COST } from '../../src/core/config';
import { measureOperation, STATEMENT_COST, textCost } from '../../src/api/plugins/query-cost.plugin';
import { DUPLICATE_LIST_LIMITS, NESTED_PAGE_LIMITS, ROOT_PAGE_LIMITS } from '../../src/core/paging/page-request';
import { buildCustomerSchema, printCustomerSchema } from '../../src/api/schema';

let schema: GraphQLSchema;
let sdlCost: number;

beforeAll(async () => {
  schema = await buildCustomerSchema();
  sdlCost = textCost(printCustomerSchema(schema).length);
});

function costOf(query: string, variables: Record<string, unknown> = {}): number {
  const document = parse(query);
  const operation = document.definitions.find((definition) => definition.kind === 'OperationDefinition') as OperationDefinitionNode;
  return measureOperation(schema, document, operation, variables, { fieldCosts: { '_Service.sdl': sdlCost } }).cost;
}

function aliased(times: number, selection: string): string {
  return `{ ${Array.from({ length: times }, (_, index) => `a${index}: ${selection}`).join(' ')} }`;
}

describe('the query cost estimate', () => {
  it('counts a connection without first/last as its default page, like the resolver reads it', () => {
    const unsized = costOf('{ customers { nodes { id } } }');
    expect(unsized).toBe(costOf(`{ customers(first: ${ROOT_PAGE_LIMITS.defaultSize}) { nodes { id } } }`));
    expect(unsized).toBeGreaterThan(2 * ROOT_PAGE_LIMITS.defaultSize);
    expect(costOf('{ customers(first: 5000) { nodes { id } } }')).toBe(
      costOf(`{ customers(first: ${ROOT_PAGE_LIMITS.maxSize}) { nodes { id } } }`),
    );
  });

  it('counts a nested connection by the nested paging rules', () => {
    const perCustomer = (flags: string) => costOf(`{ customers(first: 1) { nodes { ${flags} } } }`);
    expect(perCustomer('flags { nodes { name } }')).toBe(perCustomer(`flags(first: ${NESTED_PAGE_LIMITS.defaultSize}) { nodes { name } }`));
    expect(perCustomer('flags(first: 1000) { nodes { name } }')).toBe(
      perCustomer(`flags(first: ${NESTED_PAGE_LIMITS.maxSize}) { nodes { name } }`),
    );
    expect(perCustomer('flags(first: 100) { nodes { name } }')).toBeGreaterThan(perCustomer('flags(first: 10) { nodes { name } }'));
  });

  it('counts possibleDuplicates by its own limits (default 10, at most 50)', () => {
    const perCustomer = (field: string) => costOf(`{ customers(first: 1) { nodes { ${field} } } }`);
    expect(perCustomer('possibleDuplicates { id }')).toBe(
      perCustomer(`possibleDuplicates(first: ${DUPLICATE_LIST_LIMITS.defaultSize}) { id }`),
    );
    expect(perCustomer('possibleDuplicates(first: 1000) { id }')).toBe(
      perCustomer(`possibleDuplicates(first: ${DUPLICATE_LIST_LIMITS.maxSize}) { id }`),
    );
    expect(perCustomer('possibleDuplicates(first: 20) { id }')).toBeGreaterThan(perCustomer('possibleDuplicates(first: 10) { id }'));
  });

  it('reads the page size from variables and counts each row read, also when no row field is selected', () => {
    const query = 'query ($n: Int) { customers(first: $n) { pageInfo { hasNextPage } } }';
    expect(costOf(query, { n: 900 }) - costOf(query, { n: 100 })).toBe(800);
  });

  it('counts totalCount as a statement at the root and once per parent when nested', () => {
    expect(costOf('{ customers(first: 1) { totalCount } }') - costOf('{ customers(first: 1) { pageInfo { hasNextPage } } }')).toBe(
      STATEMENT_COST + 1 - 2,
    );
    const nested = (selection: string) => costOf(`{ customers(first: 10) { nodes { flags(first: 1) { ${selection} } } } }`);
    expect(nested('totalCount') - nested('pageInfo { hasNextPage }')).toBe(10 * (1 - 2));
  });

  it('counts every representation of _entities, also when only __typename is selected', () => {
    const query = 'query ($r: [_Any!]!) { _entities(representations: $r) { __typename } }';
    const representations = (n: number) => Array.from({ length: n }, (_, index) => ({ __typename: 'Customer', id: `cus_${index}` }));
    expect(costOf(query, { r: representations(2000) }) - costOf(query, { r: representations(1000) })).toBe(1000);
  });

  it('counts _service { sdl } by the length of the SDL it returns', () => {
    expect(costOf('{ _service { sdl } }')).toBeGreaterThanOrEqual(printCustomerSchema(schema).length / 100);
  });

  it.each([
    ['33,000 _entities representations selecting __typename', 'entities'],
    ['12,000 aliases of _service { sdl }', aliased(12_000, '_service { sdl }')],
    ['2,000 aliases of customers { nodes { id } }', aliased(2_000, 'customers { nodes { id } }')],
    ['12,000 aliases of customers { totalCount }', aliased(12_000, 'customers { totalCount }')],
  ])('puts %s above the default limit', (_name, query) => {
    const cost =
      query === 'entities'
        ? costOf('query ($r: [_Any!]!) { _entities(representations: $r) { __typename } }', {
            r: Array.from({ length: 33_000 }, (_, index) => ({ __typename: 'Customer', id: `cus_${index}` })),
          })
        : costOf(query);
    expect(cost).toBeGreaterThan(DEFAULT_MAX_QUERY_COST);
  });

  it.each([
    [
      'a router batch of 1,000 representations',
      'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id name emailAddress } } }',
    ],
    [
      'a page of 50 customers with their channels, flags and activities',
      `{ customers(first: 50) { totalCount pageInfo { hasNextPage endCursor } nodes {
          id externalId givenName familyName name emailAddress phoneNumber languageCode metadata createdAt updatedAt version
          channels { id type value createdAt }
          flags(first: 5) { totalCount nodes { name addedAt } }
          activities(first: 3) { totalCount nodes { type occurredAt } } } } }`,
    ],
    ['one _service { sdl }', '{ _service { sdl } }'],
    ['a page of 1,000 customers', '{ customers(first: 1000) { edges { cursor node { id name emailAddress } } } }'],
  ])('keeps %s below the default limit', (_name, query) => {
    const r = Array.from({ length: 1000 }, (_, index) => ({ __typename: 'Customer', id: `cus_${index}` }));
    expect(costOf(query, { r })).toBeLessThanOrEqual(DEFAULT_MAX_QUERY_COST);
  });
});

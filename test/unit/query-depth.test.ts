import { ApolloServer } from '@apollo/server';
import { GraphQLID, GraphQLObjectType, GraphQLSchema, parse, OperationDefinitionNode } from 'graphql';
import { MAX_QUERY_DEPTH } from '../../src/core/config';
import { measureOperation, queryLimitsPlugin } from '../../src/api/plugins/query-cost.plugin';

/**
 * The customer schema is at most seven fields deep, so the depth limit is
 * exercised on a schema that nests without end.
 */
let resolved = 0;
const nodeType: GraphQLObjectType = new GraphQLObjectType({
  name: 'Node',
  fields: () => ({
    id: {
      type: GraphQLID,
      resolve: () => {
        resolved += 1;
        return 'n';
      },
    },
    child: {
      type: nodeType,
      resolve: () => {
        resolved += 1;
        return {};
      },
    },
  }),
});
const schema = new GraphQLSchema({
  query: new GraphQLObjectType({
    name: 'Query',
    fields: {
      node: {
        type: nodeType,
        resolve: () => {
          resolved += 1;
          return {};
        },
      },
    },
  }),
});

/** `{ node { child { … { id } } } }` nested `depth` fields deep. */
function nestedQuery(depth: number): string {
  let selection = 'id';
  for (let level = 2; level < depth; level += 1) selection = `child { ${selection} }`;
  return `{ node { ${selection} } }`;
}

describe('the query depth limit', () => {
  let apollo: ApolloServer;

  beforeAll(async () => {
    apollo = new ApolloServer({ schema, plugins: [queryLimitsPlugin({ maxCost: 1_000_000, maxDepth: MAX_QUERY_DEPTH })] });
    await apollo.start();
  });
  afterAll(() => apollo.stop());
  beforeEach(() => {
    resolved = 0;
  });

  it('measures the depth of nested fields', () => {
    const document = parse(nestedQuery(13));
    expect(measureOperation(schema, document, document.definitions[0] as OperationDefinitionNode).depth).toBe(13);
  });

  it('counts the depth of fields reached through fragments', () => {
    const document = parse(`{ node { ...A } } fragment A on Node { child { ... on Node { child { id } } } }`);
    expect(measureOperation(schema, document, document.definitions[0] as OperationDefinitionNode).depth).toBe(4);
  });

  it('is 12', () => {
    expect(MAX_QUERY_DEPTH).toBe(12);
  });

  it('runs an operation 12 fields deep', async () => {
    const response = await apollo.executeOperation({ query: nestedQuery(12) });
    expect(response.body.kind === 'single' && response.body.singleResult.errors).toBeUndefined();
    expect(resolved).toBe(12);
  });

  it('refuses an operation 13 fields deep with QUERY_TOO_COMPLEX and its depth, before running any resolver', async () => {
    const response = await apollo.executeOperation({ query: nestedQuery(13) });
    if (response.body.kind !== 'single') throw new Error('expected a single result');
    const { errors, data } = response.body.singleResult;
    expect(errors).toHaveLength(1);
    expect(errors![0]!.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', depth: 13, maxDepth: 12 });
    expect(data).toBeUndefined();
    expect(resolved).toBe(0);
  });
});

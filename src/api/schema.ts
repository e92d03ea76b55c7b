import 'reflect-metadata';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { GraphQLSchema, graphqlSync, parse } from 'graphql';
import { buildSchema, ClassType, createResolversMap, getMetadataStorage } from 'type-graphql';
import { scopeAuthChecker } from './auth-checker';
import './enums';
import { CustomerActivityResolver } from './activity/customer-activity.resolver';
import { CustomerChannelResolver } from './channel/customer-channel.resolver';
import { CustomerFlagResolver } from './flag/customer-flag.resolver';
import { CustomerFieldsResolver, plainCustomerFieldResolvers } from './customer/customer-fields.resolver';
import { CustomerMutationResolver } from './customer/customer-mutation.resolver';
import { CustomerQueryResolver } from './customer/customer-query.resolver';
import { CustomerEventResolver } from './event/customer-event.resolver';
import { CustomerMergeResolver } from './merge/customer-merge.resolver';
import { CustomerDuplicatesResolver } from './merge/customer-duplicates.resolver';
import { CustomerImportResolver } from './import/customer-import.resolver';
import { CustomerDataExportResolver } from './export/customer-data-export.resolver';
import { resolveCustomerReference } from './customer/customer.reference';
import { describeRootTypes } from './root-type-descriptions';

export const FEDERATION_LINK =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@shareable", "@authenticated", "@requiresScopes"])';

/**
 * type-graphql builds the types and resolvers; its own printer drops `@key` and
 * the other directives, so the SDL is printed with graphql-tools (which keeps
 * them), the Federation 2 `@link` is prepended, and Apollo builds the subgraph
 * schema from that SDL and type-graphql's resolver map.
 */
export async function buildCustomerSchema(): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers: [
      CustomerQueryResolver,
      CustomerMutationResolver,
      CustomerFieldsResolver,
      CustomerFlagResolver,
      CustomerChannelResolver,
      CustomerActivityResolver,
      CustomerEventResolver,
      CustomerMergeResolver,
      CustomerDuplicatesResolver,
      CustomerImportResolver,
      CustomerDataExportResolver,
    ],
    skipCheck: true,
    authChecker: scopeAuthChecker,
    validate: false,
  });
  const typeDefs = describeRootTypes(parse(`${FEDERATION_LINK}\n\n${printSchemaWithDirectives(schema)}`));
  const resolvers = createResolversMap(schema) as GraphQLResolverMap<unknown>;
  // Customer is an object type, so its entry in the map is a field-resolver map.
  const customerResolvers = resolvers.Customer as Record<string, unknown>;
  const plainFields = plainCustomerFieldResolvers();
  assertUnguarded(CustomerFieldsResolver, Object.keys(plainFields));
  resolvers.Customer = {
    ...customerResolvers,
    ...plainFields,
    __resolveReference: resolveCustomerReference,
  } as GraphQLResolverMap<unknown>[string];
  return buildSubgraphSchema({ typeDefs, resolvers });
}

/** Throws unless every one of `target`'s field resolvers named in `names` has neither @Authorized nor middleware. */
export function assertUnguarded(target: ClassType, names: readonly string[]): void {
  const guarded = getMetadataStorage()
    .fieldResolvers.filter((field) => field.target === target && names.includes(field.methodName))
    .filter((field) => field.roles !== undefined || (field.middlewares?.length ?? 0) > 0)
    .map((field) => field.methodName);
  if (guarded.length > 0) {
    throw new Error(
      `${target.name}: ${guarded.join(', ')} must resolve through type-graphql, which checks their @Authorized and middleware`,
    );
  }
}

/**
 * The SDL exactly as the subgraph serves it in `_service { sdl }` (what the router
 * and `rover subgraph introspect` see); committed at src/schema/schema.graphql.
 * `printSubgraphSchema` prints a shorter form without the federation definitions,
 * which is not what is served, so the served field itself is read.
 */
export function printCustomerSchema(schema: GraphQLSchema): string {
  const result = graphqlSync({ schema, source: '{ _service { sdl } }' });
  const service = result.data?._service as { sdl?: unknown } | undefined;
  if (result.errors?.length || typeof service?.sdl !== 'string') {
    throw new Error(`Could not read _service.sdl: ${result.errors?.map((error) => error.message).join('; ') ?? 'no sdl'}`);
  }
  return `${service.sdl.trim()}\n`;
}

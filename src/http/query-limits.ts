import { ApolloServerPlugin } from '@apollo/server';
import {
  DocumentNode,
  FieldNode,
  FragmentDefinitionNode,
  getArgumentValues,
  getNamedType,
  getNullableType,
  GraphQLError,
  GraphQLObjectType,
  GraphQLSchema,
  isAbstractType,
  isCompositeType,
  isListType,
  isObjectType,
  Kind,
  OperationDefinitionNode,
  SelectionSetNode,
} from 'graphql';

/** Rows assumed for a list that states no size (channels, userErrors); connections use their `first`/`last`. */
const UNSIZED_LIST_ROWS = 10;
/** Page size assumed for a connection asked without `first`/`last`: the contract's default. */
const DEFAULT_PAGE_ROWS = 50;
const MAX_PAGE_ROWS = 1000;
/** Connections nested in a type (a customer's flags and activities) return at most 100 rows. */
const MAX_NESTED_PAGE_ROWS = 100;

export interface OperationMeasure {
  cost: number;
  depth: number;
}

/**
 * Estimates what an operation will cost before it runs: every field costs 1,
 * and what is selected under a list costs once per row it may return — `first`
 * or `last` of a connection (default 50, at most 1000 at the root and 100 nested), the number of
 * `representations` of `_entities`, or 10 for other lists. Aliases count once
 * each. Introspection fields (`__schema`, `__type`, `__typename`) are free.
 */
export function measureOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> = {},
): OperationMeasure {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const root = schema.getRootType(operation.operation);
  if (!root) return { cost: 0, depth: 0 };

  const measure = (
    selectionSet: SelectionSetNode,
    parentType: GraphQLObjectType,
    sizedByParent: boolean,
    visiting: Set<string>,
  ): OperationMeasure => {
    let cost = 0;
    let depth = 0;
    const add = (inner: OperationMeasure, extraDepth: number) => {
      cost += inner.cost;
      depth = Math.max(depth, inner.depth + extraDepth);
    };
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        add(measureField(selection, parentType, sizedByParent, visiting), 0);
      } else {
        const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : fragments.get(selection.name.value);
        if (!fragment) continue;
        // A fragment spread inside itself is refused by validation; the guard only keeps this walk finite.
        const name = selection.kind === Kind.FRAGMENT_SPREAD ? selection.name.value : null;
        if (name && visiting.has(name)) continue;
        const typeName = fragment.typeCondition?.name.value;
        const type = typeName ? schema.getType(typeName) : parentType;
        const objectType = type && isObjectType(type) ? type : parentType;
        add(measure(fragment.selectionSet, objectType, sizedByParent, name ? new Set([...visiting, name]) : visiting), 0);
      }
    }
    return { cost, depth };
  };

  const measureField = (
    node: FieldNode,
    parentType: GraphQLObjectType,
    sizedByParent: boolean,
    visiting: Set<string>,
  ): OperationMeasure => {
    if (node.name.value.startsWith('__')) return { cost: 0, depth: 0 };
    const field = parentType.getFields()[node.name.value];
    if (!field) return { cost: 1, depth: 1 };
    const namedType = getNamedType(field.type);
    if (!node.selectionSet || !isCompositeType(namedType)) return { cost: 1, depth: 1 };
    let args: Record<string, unknown> = {};
    try {
      args = getArgumentValues(field, node, variables);
    } catch {
      // Invalid arguments fail validation or execution with their own error; estimate with defaults.
    }
    const pageRows = pageSize(args, parentType === root ? MAX_PAGE_ROWS : MAX_NESTED_PAGE_ROWS);
    const representations = Array.isArray(args.representations) ? args.representations.length : null;
    const isList = isListType(getNullableType(field.type));
    const rows = pageRows ?? representations ?? (isList && !sizedByParent ? UNSIZED_LIST_ROWS : 1);
    // The edges/nodes lists of a connection hold the rows its `first`/`last` already counted.
    const sized = pageRows !== null || representations !== null;
    const children = objectTypesOf(schema, namedType).map((type) => measure(node.selectionSet!, type, sized, visiting));
    const childCost = Math.max(0, ...children.map((child) => child.cost));
    const childDepth = Math.max(0, ...children.map((child) => child.depth));
    return { cost: 1 + rows * childCost, depth: 1 + childDepth };
  };

  return measure(operation.selectionSet, root, false, new Set());
}

function pageSize(args: Record<string, unknown>, maxRows: number): number | null {
  const hasPaging = 'first' in args || 'last' in args;
  const requested = typeof args.first === 'number' ? args.first : typeof args.last === 'number' ? args.last : null;
  if (requested === null) return hasPaging ? DEFAULT_PAGE_ROWS : null;
  return Math.min(Math.max(requested, 1), maxRows);
}

/** The object types a field's selection may run against (one for an object type, the members of a union or interface). */
function objectTypesOf(schema: GraphQLSchema, type: ReturnType<typeof getNamedType>): readonly GraphQLObjectType[] {
  if (isObjectType(type)) return [type];
  if (isAbstractType(type)) return schema.getPossibleTypes(type);
  return [];
}

export function queryTooComplex(message: string, extensions: Record<string, number>): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'QUERY_TOO_COMPLEX', ...extensions, http: { status: 400 } } });
}

/** Refuses, before execution, operations nested deeper than `maxDepth` or estimated above `maxCost`. */
export function queryLimitsPlugin<TContext extends object>(limits: { maxCost: number; maxDepth: number }): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (!operation) return;
          const { cost, depth } = measureOperation(schema, document, operation, request.variables ?? {});
          if (depth > limits.maxDepth) {
            throw queryTooComplex(`The operation is nested ${depth} levels deep; at most ${limits.maxDepth} are allowed.`, {
              depth,
              maxDepth: limits.maxDepth,
              cost,
              maxCost: limits.maxCost,
            });
          }
          if (cost > limits.maxCost) {
            throw queryTooComplex(
              `The operation's estimated cost is ${cost}, above the limit of ${limits.maxCost}; ask for fewer rows (first/last) or fewer fields.`,
              { cost, maxCost: limits.maxCost, depth, maxDepth: limits.maxDepth },
            );
          }
        },
      };
    },
  };
}

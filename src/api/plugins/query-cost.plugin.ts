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
import { DUPLICATE_LIST_LIMITS, NESTED_PAGE_LIMITS, pageSizeOf, PageSizeLimits, ROOT_PAGE_LIMITS } from '../../core/paging/page-request';

/** Sized lists with limits of their own (the resolvers read the same constants). */
const LIST_LIMITS: Record<string, PageSizeLimits> = { 'Customer.possibleDuplicates': DUPLICATE_LIST_LIMITS };
import { ErrorCode } from '../../core/errors/graphql-errors';

/** Rows assumed for a list that states no size (channels, userErrors); connections use their `first`/`last`. */
const UNSIZED_LIST_ROWS = 10;
/**
 * What a statement of its own costs besides the rows it reads: each top-level
 * field (a root connection, a lookup, a mutation) and the `totalCount` of a
 * connection asked once. As much as a default page: a count reads at least
 * the rows of a page, and statements run one after the other on SQLite.
 * Under a list, a connection's pages and counts are read for all parents in
 * one grouped statement, so there they cost their rows only.
 */
export const STATEMENT_COST = ROOT_PAGE_LIMITS.defaultSize;
/** Field values of about this many characters cost 1, like one field of a row. */
export const CHARACTERS_PER_COST = 100;

export interface OperationMeasure {
  cost: number;
  depth: number;
}

export interface CostOptions {
  /**
   * Fixed costs of fields whose size is known in advance, by `Type.field`
   * (e.g. `_Service.sdl`, from the length of the SDL it returns).
   */
  fieldCosts?: Readonly<Record<string, number>>;
}

/** The cost of returning a string of `length` characters. */
export function textCost(length: number): number {
  return Math.max(1, Math.ceil(length / CHARACTERS_PER_COST));
}

/**
 * Estimates what an operation will make the server do before it runs. Every
 * field costs 1 and every top-level field STATEMENT_COST more; a field that
 * reads rows costs 1 per row plus its selection once per row: a connection
 * its page size (`first` or `last`, else the default, capped: the paging rules
 * of page-request.ts, root or nested), `_entities` one per representation, any
 * other list 10. `totalCount` is a statement of its own. Every alias counts;
 * introspection fields (`__schema`, `__type`, `__typename`) are free.
 */
export function measureOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> = {},
  options: CostOptions = {},
): OperationMeasure {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const root = schema.getRootType(operation.operation);
  if (!root) return { cost: 0, depth: 0 };
  const fieldCosts = options.fieldCosts ?? {};

  /**
   * `rows`: how many rows a list directly in this selection holds, when its
   * parent (a connection) already said; `underList`: whether this selection
   * runs once per row of some list above it.
   */
  interface Scope {
    rows: number | null;
    underList: boolean;
    visiting: ReadonlySet<string>;
  }

  const measure = (selectionSet: SelectionSetNode, parentType: GraphQLObjectType, scope: Scope): OperationMeasure => {
    let cost = 0;
    let depth = 0;
    for (const selection of selectionSet.selections) {
      let inner: OperationMeasure;
      if (selection.kind === Kind.FIELD) {
        inner = measureField(selection, parentType, scope);
      } else {
        const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : fragments.get(selection.name.value);
        if (!fragment) continue;
        // A fragment spread inside itself is refused by validation; the guard only keeps this walk finite.
        const name = selection.kind === Kind.FRAGMENT_SPREAD ? selection.name.value : null;
        if (name && scope.visiting.has(name)) continue;
        const typeName = fragment.typeCondition?.name.value;
        const type = typeName ? schema.getType(typeName) : parentType;
        const objectType = type && isObjectType(type) ? type : parentType;
        inner = measure(fragment.selectionSet, objectType, name ? { ...scope, visiting: new Set([...scope.visiting, name]) } : scope);
      }
      cost += inner.cost;
      depth = Math.max(depth, inner.depth);
    }
    return { cost, depth };
  };

  const measureField = (node: FieldNode, parentType: GraphQLObjectType, scope: Scope): OperationMeasure => {
    const name = node.name.value;
    if (name.startsWith('__')) return { cost: 0, depth: 0 };
    const statement = parentType === root ? STATEMENT_COST : 0;
    const fixed = fieldCosts[`${parentType.name}.${name}`];
    if (fixed !== undefined) return { cost: statement + fixed, depth: 1 };
    const field = parentType.getFields()[name];
    if (!field) return { cost: 1, depth: 1 };
    if (name === 'totalCount' && isConnectionType(parentType)) return { cost: 1 + (scope.underList ? 0 : STATEMENT_COST), depth: 1 };
    const namedType = getNamedType(field.type);
    if (!node.selectionSet || !isCompositeType(namedType)) return { cost: 1 + statement, depth: 1 };

    let args: Record<string, unknown> = {};
    try {
      args = getArgumentValues(field, node, variables);
    } catch {
      // Invalid arguments fail validation or execution with their own error; estimate with defaults.
    }
    const isList = isListType(getNullableType(field.type));
    // Rows this field reads itself: a connection's page, or one per entity representation.
    let read: number | null = null;
    if (field.args.some((arg) => arg.name === 'first' || arg.name === 'last')) {
      read = pageSizeOf(
        { first: integerOrNull(args.first), last: integerOrNull(args.last) },
        LIST_LIMITS[`${parentType.name}.${name}`] ?? (parentType === root ? ROOT_PAGE_LIMITS : NESTED_PAGE_LIMITS),
      );
    } else if (Array.isArray(args.representations)) {
      read = args.representations.length;
    }
    // A list holds the rows its field read, the rows its connection read, or an assumed number.
    const rowsPerItem = isList ? (read ?? scope.rows ?? UNSIZED_LIST_ROWS) : 1;
    const childScope: Scope = {
      rows: read !== null && !isList ? read : null,
      underList: scope.underList || isList,
      visiting: scope.visiting,
    };
    const children = objectTypesOf(schema, namedType).map((type) => measure(node.selectionSet!, type, childScope));
    const childCost = Math.max(0, ...children.map((child) => child.cost));
    const childDepth = Math.max(0, ...children.map((child) => child.depth));
    return { cost: 1 + statement + (read ?? 0) + rowsPerItem * childCost, depth: 1 + childDepth };
  };

  return measure(operation.selectionSet, root, { rows: null, underList: false, visiting: new Set() });
}

function integerOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) ? value : null;
}

/** A Relay connection: a type with `pageInfo` and `edges` or `nodes`. */
function isConnectionType(type: GraphQLObjectType): boolean {
  const fields = type.getFields();
  return 'pageInfo' in fields && ('edges' in fields || 'nodes' in fields);
}

/** The object types a field's selection may run against (one for an object type, the members of a union or interface). */
function objectTypesOf(schema: GraphQLSchema, type: ReturnType<typeof getNamedType>): readonly GraphQLObjectType[] {
  if (isObjectType(type)) return [type];
  if (isAbstractType(type)) return schema.getPossibleTypes(type);
  return [];
}

export function queryTooComplex(message: string, extensions: Record<string, number>): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.QUERY_TOO_COMPLEX, ...extensions, http: { status: 400 } } });
}

/** Refuses, before execution, operations nested deeper than `maxDepth` or estimated above `maxCost`. */
export function queryLimitsPlugin<TContext extends object>(
  limits: { maxCost: number; maxDepth: number } & CostOptions,
): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (!operation) return;
          const { cost, depth } = measureOperation(schema, document, operation, request.variables ?? {}, limits);
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

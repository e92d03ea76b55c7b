import { ApolloServerPlugin } from '@apollo/server';
import { DocumentNode, FragmentDefinitionNode, Kind, OperationDefinitionNode, SelectionSetNode } from 'graphql';
import { unauthenticatedRequest } from '../../core/errors/graphql-errors';
import { RequestContext } from '../context';

/** The federation field that returns the whole SDL, as the router reads it. */
const SERVICE_FIELD = '_service';

/**
 * graphql-js appends suggestions from the schema to validation and coercion
 * messages: `Cannot query field "nam" on type "Customer". Did you mean "name"?`,
 * `… enum. Did you mean the enum value "EMAIL"?`. Names cannot contain `?`.
 */
const SUGGESTION = /\s*Did you mean [^?]*\?/g;

/** The message without graphql-js's "Did you mean …?" suggestions, which name fields and values of the schema. */
export function withoutSuggestions(message: string): string {
  return message.replace(SUGGESTION, '');
}

/** Whether the operation selects `name` at its root, directly or through fragments. */
export function selectsRootField(document: DocumentNode, operation: OperationDefinitionNode, name: string): boolean {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const seen = new Set<string>();
  const visit = (selectionSet: SelectionSetNode): boolean =>
    selectionSet.selections.some((selection) => {
      if (selection.kind === Kind.FIELD) return selection.name.value === name;
      if (selection.kind === Kind.INLINE_FRAGMENT) return visit(selection.selectionSet);
      const fragment = fragments.get(selection.name.value);
      if (!fragment || seen.has(selection.name.value)) return false;
      seen.add(selection.name.value);
      return visit(fragment.selectionSet);
    });
  return visit(operation.selectionSet);
}

/**
 * Keeps the schema to those allowed to see it: `_service { sdl }` is the whole
 * schema, descriptions included, so with introspection off it is refused
 * (UNAUTHENTICATED, before execution) to a request without a valid token. Used
 * in production without a router secret; with one, only the router reaches
 * `/graphql` at all, and it reads the SDL without a token of its own.
 */
export function serviceSdlGatePlugin(): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, contextValue }) {
          if (!operation || contextValue.caller.authenticated) return;
          if (selectsRootField(document, operation, SERVICE_FIELD)) {
            throw unauthenticatedRequest('The subgraph schema (`_service`) is served to authenticated callers only.');
          }
        },
      };
    },
  };
}

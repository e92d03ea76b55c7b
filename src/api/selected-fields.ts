import { GraphQLResolveInfo, Kind, SelectionSetNode } from 'graphql';

/**
 * Answers of `selectsField` by the field's nodes: graphql-js resolves a field of every item of a list with the same
 * `fieldNodes` array (and the same fragments), so a list of customers asks once per field, not once per customer.
 */
const answers = new WeakMap<GraphQLResolveInfo['fieldNodes'], Map<string, boolean>>();

/** Whether the query selects `name` directly under the field being resolved (through fragments too). */
export function selectsField(info: GraphQLResolveInfo, name: string): boolean {
  let byName = answers.get(info.fieldNodes);
  if (!byName) answers.set(info.fieldNodes, (byName = new Map()));
  let answer = byName.get(name);
  if (answer === undefined) byName.set(name, (answer = findsField(info, name)));
  return answer;
}

function findsField(info: GraphQLResolveInfo, name: string): boolean {
  const visit = (selectionSet: SelectionSetNode): boolean =>
    selectionSet.selections.some((selection) => {
      if (selection.kind === Kind.FIELD) return selection.name.value === name;
      if (selection.kind === Kind.INLINE_FRAGMENT) return visit(selection.selectionSet);
      const fragment = info.fragments[selection.name.value];
      return fragment !== undefined && visit(fragment.selectionSet);
    });
  return info.fieldNodes.some((node) => node.selectionSet !== undefined && visit(node.selectionSet));
}

/**
 * Starts a load whose result a later field will await (a connection's
 * `totalCount`), so its batch goes to the database together with the page's
 * instead of one round trip later. A failure is left for that field to report.
 */
export function loadAhead(load: Promise<unknown>): void {
  load.catch(() => undefined);
}

import { GraphQLResolveInfo, Kind, SelectionSetNode } from 'graphql';

/** Whether the query selects `name` directly under the field being resolved (through fragments too). */
export function selectsField(info: GraphQLResolveInfo, name: string): boolean {
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

import { PageRequest } from './page-request';

export interface PageInfoValue {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

export interface EdgeValue<T> {
  cursor: string;
  node: T;
}

/** What a connection field resolves to. `edges`, `totalCount` and the cursors are lazy getters: computed only when selected. */
export interface ConnectionValue<T> {
  readonly edges: EdgeValue<T>[];
  nodes: T[];
  pageInfo: PageInfoValue;
  readonly totalCount: Promise<number>;
}

/** A page as the repository read it: at most `size` rows in connection order, and whether more lie beyond. */
export interface PageSlice<T> {
  rows: T[];
  hasMore: boolean;
}

/**
 * Builds a Relay connection from a page slice. Rows beyond `size` in the
 * reading direction decide hasNextPage (forward) or hasPreviousPage (backward);
 * the opposite flag is true when the page starts from a cursor, because the
 * cursor's own row lies that way.
 */
export function buildConnection<T>(
  slice: PageSlice<T>,
  request: PageRequest,
  cursorOf: (row: T) => string,
  count: () => Promise<number>,
): ConnectionValue<T> {
  // A list of customers with nested connections would otherwise build an edge for every row of every page, also
  // when the query selects `nodes` only; the edges and the page's end cursors sign each row's cursor once.
  let edges: EdgeValue<T>[] | undefined;
  const edgesOf = () => (edges ??= slice.rows.map((node) => lazyEdge(node, cursorOf)));
  const forward = request.direction === 'forward';
  let counted: Promise<number> | undefined;
  return {
    get edges() {
      return edgesOf();
    },
    nodes: slice.rows,
    pageInfo: {
      hasNextPage: forward ? slice.hasMore : request.before !== null,
      hasPreviousPage: forward ? request.after !== null : slice.hasMore,
      get startCursor() {
        return edgesOf()[0]?.cursor ?? null;
      },
      get endCursor() {
        const all = edgesOf();
        return all[all.length - 1]?.cursor ?? null;
      },
    },
    get totalCount() {
      counted ??= count();
      return counted;
    },
  };
}

/** An edge whose cursor is signed only when read (a query may select `edges { node }` without cursors). */
function lazyEdge<T>(node: T, cursorOf: (row: T) => string): EdgeValue<T> {
  let cursor: string | undefined;
  return {
    node,
    get cursor() {
      cursor ??= cursorOf(node);
      return cursor;
    },
  };
}

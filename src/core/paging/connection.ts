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
  const forward = request.direction === 'forward';
  return new LazyConnection(
    slice.rows,
    cursorOf,
    count,
    forward ? slice.hasMore : request.before !== null,
    forward ? request.after !== null : slice.hasMore,
  );
}

/**
 * A connection whose edges, end cursors and count are made when a query reads
 * them, and once. A list of customers with nested connections makes one per
 * customer and field, and most queries select `nodes` only; the lazy parts are
 * getters of the classes, not closures made for every connection and row.
 */
class LazyConnection<T> implements ConnectionValue<T> {
  readonly pageInfo: PageInfoValue;
  private built: EdgeValue<T>[] | undefined;
  private counted: Promise<number> | undefined;

  constructor(
    readonly nodes: T[],
    private readonly cursorOf: (row: T) => string,
    private readonly count: () => Promise<number>,
    hasNextPage: boolean,
    hasPreviousPage: boolean,
  ) {
    this.pageInfo = new LazyPageInfo(this, hasNextPage, hasPreviousPage);
  }

  get edges(): EdgeValue<T>[] {
    this.built ??= this.nodes.map((node) => new LazyEdge(node, this.cursorOf));
    return this.built;
  }

  get totalCount(): Promise<number> {
    this.counted ??= this.count();
    return this.counted;
  }
}

class LazyPageInfo<T> implements PageInfoValue {
  constructor(
    private readonly connection: LazyConnection<T>,
    readonly hasNextPage: boolean,
    readonly hasPreviousPage: boolean,
  ) {}

  get startCursor(): string | null {
    return this.connection.edges[0]?.cursor ?? null;
  }

  get endCursor(): string | null {
    const { edges } = this.connection;
    return edges[edges.length - 1]?.cursor ?? null;
  }
}

/** An edge whose cursor is signed only when read (a query may select `edges { node }` without cursors). */
class LazyEdge<T> implements EdgeValue<T> {
  private signed: string | undefined;

  constructor(
    readonly node: T,
    private readonly cursorOf: (row: T) => string,
  ) {}

  get cursor(): string {
    this.signed ??= this.cursorOf(this.node);
    return this.signed;
  }
}

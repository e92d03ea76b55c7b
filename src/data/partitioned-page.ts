import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { CursorKey } from '../core/paging/cursor-codec';
import { PageSlice } from '../core/paging/connection';
import { PageRequest } from '../core/paging/page-request';
import { dialectOf, Keyset, keysetBound, pinnedTieBound, statementWithIndex } from './keyset';
import { entityHydrator, readMapByKeys } from './read-entities';

/** A page's cursor bounds for one parent (customer). */
export interface ParentBounds {
  after: CursorKey | null;
  before: CursorKey | null;
}

export interface PartitionedPageSpec<T extends ObjectLiteral> {
  /** The filtered query over the child rows, selecting the entity's columns. */
  scoped: () => SelectQueryBuilder<T>;
  /** Runs a finished statement in the repository's context (its transaction, if any). */
  run: (sql: string, parameters: unknown[]) => Promise<Record<string, unknown>[]>;
  /** Raw column (with alias) holding the parent id, e.g. `a.customer_id`. */
  parentColumn: string;
  parentOf: (row: T) => string;
  /** The connection's order; its expressions are raw columns with the query's alias. */
  keyset: Keyset<T>;
  /** The `(parent, keyset)` index each page is a range of, forced (see `KeysetReadPlan.index`). */
  index: string;
}

/** SQLite's default SQLITE_MAX_COMPOUND_SELECT: a statement joins at most this many pages (KEYS_PER_STATEMENT is 500). */
const MAX_COMPOUND_TERMS = 500;

/**
 * Reads one page for every parent, in one statement per chunk of parents (see
 * `readByKeys`). Each parent's page is its own `ORDER BY keyset LIMIT size + 1`
 * (the extra row tells whether more lie beyond), so the database reads a range
 * of the (parent, keyset) index from the cursor, never the parent's other rows;
 * the pages of a chunk are joined with UNION ALL, and each parent's rows are put
 * in the keyset's order here (see `byKeysetOrder`). Cursor bounds apply to the
 * parent they were issued for.
 */
export function readPagesPerParent<T extends ObjectLiteral>(
  spec: PartitionedPageSpec<T>,
  parentIds: readonly string[],
  request: PageRequest,
  boundsOf: (parentId: string) => ParentBounds,
): Promise<Map<string, PageSlice<T>>> {
  return readMapByKeys(parentIds, (chunk) => readChunkOfPages(spec, chunk, request, boundsOf));
}

/**
 * The statement reading the pages of `parentIds` (at most KEYS_PER_STATEMENT of
 * them; SQLite allows 500 terms in a compound select), with its parameters and
 * the hydrator of its rows.
 */
export function pagesStatement<T extends ObjectLiteral>(
  spec: PartitionedPageSpec<T>,
  parentIds: readonly string[],
  request: PageRequest,
  boundsOf: (parentId: string) => ParentBounds,
): { sql: string; parameters: unknown[]; hydrate: (raw: Record<string, unknown>) => T } {
  const { keyset } = spec;
  const backward = request.direction === 'backward';
  const direction = keyset.descending !== backward ? 'DESC' : 'ASC';
  let hydrate: ((raw: Record<string, unknown>) => T) | undefined;
  let mysql = false;
  // Flags: the tie-breaker is the parent itself, one value per page.
  const tieIsParent = keyset.columns[1].expression === spec.parentColumn;
  const branchOf = (parentId: unknown, index: number, bounds: ParentBounds): [string, unknown[]] => {
    const page = spec.scoped();
    const dialect = dialectOf(page);
    page.andWhere(`${spec.parentColumn} = :parent${index}`, { [`parent${index}`]: parentId });
    for (const [key, operator, name] of [
      [bounds.after, keyset.descending ? '<' : '>', `after${index}`],
      [bounds.before, keyset.descending ? '>' : '<', `before${index}`],
    ] as const) {
      if (!key) continue;
      page.andWhere(
        ...(tieIsParent
          ? pinnedTieBound(keyset, key, operator, name, parentId as string)
          : keysetBound(keyset, key, operator, name, dialect)),
      );
    }
    page.orderBy(keyset.columns[0].expression, direction);
    if (!tieIsParent) page.addOrderBy(keyset.columns[1].expression, direction);
    page.limit(request.size + 1);
    if (!hydrate) {
      hydrate = entityHydrator(page);
      mysql = dialect === 'mysql';
    }
    return statementWithIndex(page, spec.index);
  };
  let branches: Array<[string, unknown[]]>;
  if (request.after === null && request.before === null && parentIds.length > 1) {
    // Without cursors every page is the same statement but for its parent: built once (a query builder per parent
    // costs more than the statement), with a marker object where the parent id goes.
    const marker = {};
    const [branchSql, template] = branchOf(marker, 0, { after: null, before: null });
    const at = template.indexOf(marker);
    if (at < 0 || template.lastIndexOf(marker) !== at) throw new Error('pagesStatement: the parent parameter is not bound once');
    branches = parentIds.map((parentId) => [branchSql, template.map((value, index) => (index === at ? parentId : value))]);
  } else {
    branches = parentIds.map((parentId, index) => branchOf(parentId, index, boundsOf(parentId)));
  }
  if (!hydrate) throw new Error('pagesStatement needs at least one parent');
  if (branches.length > MAX_COMPOUND_TERMS) throw new Error(`pagesStatement reads at most ${MAX_COMPOUND_TERMS} parents at once`);
  if (branches.length === 1) {
    const [sql, parameters] = branches[0]!;
    return { sql, parameters, hydrate };
  }
  // Each page keeps its own ORDER BY … LIMIT. The union itself is not ordered: SQL leaves the order of its rows open, so
  // the reader orders each parent's rows itself, and on MariaDB an ORDER BY over the union would copy every row into a
  // temporary table, on disk when the rows have TEXT columns (activities). MySQL/MariaDB take a parenthesised SELECT
  // as a union member: a derived table there is materialised first (five times slower for 50 customers). SQLite
  // allows ORDER BY … LIMIT in a member only inside a subquery, which it runs as a co-routine.
  const member = mysql ? (branchSql: string) => `(${branchSql})` : (branchSql: string, index: number) => `SELECT * FROM (${branchSql}) p${index}`;
  const sql = branches.map(([branchSql], index) => member(branchSql, index)).join(' UNION ALL ');
  return { sql, parameters: branches.flatMap(([, parameters]) => parameters), hydrate };
}

/** One statement: the pages of at most KEYS_PER_STATEMENT parents. */
async function readChunkOfPages<T extends ObjectLiteral>(
  spec: PartitionedPageSpec<T>,
  parentIds: readonly string[],
  request: PageRequest,
  boundsOf: (parentId: string) => ParentBounds,
): Promise<Map<string, PageSlice<T>>> {
  const backward = request.direction === 'backward';
  const { sql, parameters, hydrate } = pagesStatement(spec, parentIds, request, boundsOf);
  const rows = (await spec.run(sql, parameters)).map(hydrate);

  const byParent = new Map<string, T[]>(parentIds.map((id) => [id, []]));
  for (const row of rows) byParent.get(spec.parentOf(row))?.push(row);
  const inReadingOrder = byKeysetOrder(spec.keyset, backward);
  const slices = new Map<string, PageSlice<T>>();
  for (const [parentId, parentRows] of byParent) {
    const page = inOrder(parentRows, inReadingOrder).slice(0, request.size);
    slices.set(parentId, { rows: backward ? page.reverse() : page, hasMore: parentRows.length > request.size });
  }
  return slices;
}

/**
 * Compares two rows of one parent as the page's ORDER BY does, away from the
 * cursor: the keyset's order, reversed for a backward read. The keyset's last
 * column is unique within a parent, so no two rows compare equal. Text compares
 * by code point, as the binary collations of these columns do (utf8mb4_nopad_bin
 * on MySQL/MariaDB, BINARY on SQLite).
 */
export function byKeysetOrder<T>(keyset: Keyset<T>, backward: boolean): (a: T, b: T) => number {
  const sign = keyset.descending !== backward ? -1 : 1;
  return (a, b) => {
    for (const column of keyset.columns) {
      const order = compareKeyValues(column.value(a), column.value(b));
      if (order !== 0) return sign * order;
    }
    return 0;
  };
}

/** `rows` sorted by `compare`, in place; rows that come in order (as the pages of a union do in practice) are only checked. */
export function inOrder<T>(rows: T[], compare: (a: T, b: T) => number): T[] {
  for (let index = 1; index < rows.length; index += 1) {
    if (compare(rows[index - 1]!, rows[index]!) > 0) return rows.sort(compare);
  }
  return rows;
}

function compareKeyValues(a: string | number | Date, b: string | number | Date): number {
  if (typeof a === 'string' && typeof b === 'string') return compareCodePoints(a, b);
  const [x, y] = [a instanceof Date ? a.getTime() : Number(a), b instanceof Date ? b.getTime() : Number(b)];
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Code-point order, which is UTF-8 byte order. JavaScript's `<` compares UTF-16
 * code units, which puts a surrogate (a code point above U+FFFF) before
 * U+E000–U+FFFF; moving the surrogates above them mends that.
 */
export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; index += 1) {
    const x = a.charCodeAt(index);
    const y = b.charCodeAt(index);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

function codePointRank(unit: number): number {
  if (unit < 0xd800) return unit;
  return unit >= 0xe000 ? unit - 0x800 : unit + 0x2000;
}

/** Counts the rows of every parent in one grouped statement per chunk of parents; parents without rows count 0. */
export function countPerParent<T extends ObjectLiteral>(
  scoped: () => SelectQueryBuilder<T>,
  parentColumn: string,
  parentIds: readonly string[],
): Promise<Map<string, number>> {
  return readMapByKeys(parentIds, async (chunk) => {
    const raw = await scoped()
      .select(parentColumn, 'parent')
      .addSelect('COUNT(*)', 'total')
      .andWhere(`${parentColumn} IN (:...countParents)`, { countParents: chunk })
      .groupBy(parentColumn)
      .getRawMany<{ parent: string; total: number | string }>();
    const counts = new Map<string, number>(chunk.map((id) => [id, 0]));
    for (const { parent, total } of raw) counts.set(parent, Number(total));
    return counts;
  });
}

import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { CursorKey, malformedCursor } from '../pagination/cursor-codec';
import { PageRequest } from '../pagination/page-request';
import { PageSlice } from '../pagination/connection';
import { readEntities } from './read-entities';

/**
 * One column of a total order. `toCursor` and `fromCursor` turn a row's value
 * into a JSON-safe cursor value and back into a query parameter.
 */
export interface KeysetColumn<T> {
  /** Property path for the query builder, e.g. `c.createdAt`. */
  expression: string;
  value(row: T): string | number | Date;
  fromCursor(value: string | number): string | number | Date;
}

export interface Keyset<T> {
  /** The sort column, then the unique tie-breaker (id). */
  columns: readonly [KeysetColumn<T>, KeysetColumn<T>];
  descending: boolean;
  /**
   * False when SQLite cannot range a row value over the two columns, because
   * its index does not hold them in keyset order (flags: the tie-breaker is the
   * parent, pinned by equality ahead of the sort column); the bound is then
   * written with a leading `sort >= ?` as on MySQL. Default true.
   */
  rowValueRange?: boolean;
}

export function cursorKeyOf<T>(keyset: Keyset<T>, row: T): CursorKey {
  return keyset.columns.map((column) => {
    const value = column.value(row);
    return value instanceof Date ? value.toISOString() : value;
  });
}

/**
 * Reads one keyset page: rows beyond the cursor in `ORDER BY sort, id LIMIT n + 1`,
 * with the bound written so the database reads a range of the `(brand, …, sort, id)`
 * index that starts at the cursor (see `keysetBound`). Backward pages read in
 * the reverse order and are flipped before returning.
 */
export async function readKeysetPage<T extends ObjectLiteral>(
  query: SelectQueryBuilder<T>,
  keyset: Keyset<T>,
  request: PageRequest,
  bounds: { after: CursorKey | null; before: CursorKey | null },
): Promise<PageSlice<T>> {
  const dialect = dialectOf(query);
  if (bounds.after) query.andWhere(...keysetBound(keyset, bounds.after, keyset.descending ? '<' : '>', 'after', dialect));
  if (bounds.before) query.andWhere(...keysetBound(keyset, bounds.before, keyset.descending ? '>' : '<', 'before', dialect));
  const backward = request.direction === 'backward';
  const readDescending = keyset.descending !== backward;
  const direction = readDescending ? 'DESC' : 'ASC';
  query.orderBy(keyset.columns[0].expression, direction).addOrderBy(keyset.columns[1].expression, direction);
  const rows = await readEntities(query.limit(request.size + 1));
  const hasMore = rows.length > request.size;
  const page = rows.slice(0, request.size);
  return { rows: backward ? page.reverse() : page, hasMore };
}

/** The SQL dialect a keyset bound is written for. */
export type KeysetDialect = 'mysql' | 'sqlite';

export function dialectOf<T extends ObjectLiteral>(query: SelectQueryBuilder<T>): KeysetDialect {
  return query.connection.options.type === 'mysql' ? 'mysql' : 'sqlite';
}

/**
 * The condition "row lies beyond `key`" for a two-column keyset, with its named
 * parameters, written so the planner reads an index range that starts at the
 * cursor rather than filtering rows from one end of the index:
 *
 * - MySQL/MariaDB: `sort >= :s AND (sort > :s OR (sort = :s AND id > :t))`. The
 *   leading `sort >= :s` is implied by the rest; it is there because MariaDB's
 *   range optimizer does not derive a range from the OR alone (nor from a row
 *   value comparison), and without one it scans from the start of the index.
 * - SQLite: the row value `(sort, id) > (:s, :t)`, which SQLite's planner turns
 *   into a range over both columns, skipping the rows that tie on `sort` too.
 */
export function keysetBound<T>(
  keyset: Keyset<T>,
  key: CursorKey,
  operator: '<' | '>',
  name: string,
  dialect: KeysetDialect,
): [string, Record<string, string | number | Date>] {
  const [sort, tie] = keyset.columns;
  if (key.length !== keyset.columns.length) throw malformedCursor(name);
  const parameters = { [`${name}Sort`]: boundParameter(sort, key[0]!, name), [`${name}Tie`]: boundParameter(tie, key[1]!, name) };
  const s = sort.expression;
  const t = tie.expression;
  if (dialect === 'sqlite' && keyset.rowValueRange !== false) return [`(${s}, ${t}) ${operator} (:${name}Sort, :${name}Tie)`, parameters];
  return [
    `(${s} ${operator}= :${name}Sort AND (${s} ${operator} :${name}Sort OR (${s} = :${name}Sort AND ${t} ${operator} :${name}Tie)))`,
    parameters,
  ];
}

/**
 * A cursor value as the query parameter of its column. The value must be what
 * `cursorKeyOf` writes for that column (a date column: the exact ISO string of a
 * valid instant; others: the same JSON type), so both databases see the same
 * well-typed parameter; anything else is a malformed cursor, never a page.
 */
function boundParameter<T>(column: KeysetColumn<T>, value: string | number, name: string): string | number | Date {
  const parameter = column.fromCursor(value);
  const fits =
    parameter instanceof Date
      ? typeof value === 'string' && !Number.isNaN(parameter.getTime()) && parameter.toISOString() === value
      : typeof parameter === typeof value;
  if (!fits) throw malformedCursor(name);
  return parameter;
}

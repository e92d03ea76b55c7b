import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { CursorKey, malformedCursor } from '../core/paging/cursor-codec';
import { PageRequest } from '../core/paging/page-request';
import { PageSlice } from '../core/paging/connection';
import { entityHydrator } from './read-entities';

/**
 * One column of a total order. `value` reads it from a row (dates become ISO
 * strings in the cursor), and `fromCursor` turns a cursor's value back into a
 * query parameter.
 */
export interface KeysetColumn<T> {
  /**
   * The column as the page's SQL names it: a query-builder property path
   * (`c.createdAt`) where TypeORM builds the statement, a column of the
   * statement's alias (`a.occurred_at`) where it is written by hand.
   */
  expression: string;
  value(row: T): string | number | Date;
  fromCursor(value: string | number): string | number | Date;
}

export interface Keyset<T> {
  /** The sort column, then the unique tie-breaker (id). */
  columns: readonly [KeysetColumn<T>, KeysetColumn<T>];
  descending: boolean;
}

export function cursorKeyOf<T>(keyset: Keyset<T>, row: T): CursorKey {
  return keyset.columns.map((column) => {
    const value = column.value(row);
    return value instanceof Date ? value.toISOString() : value;
  });
}

/** How a keyset page is read: the index it must walk, and the connection (or transaction) that runs it. */
export interface KeysetReadPlan {
  /**
   * The `(…, sort, id)` index whose range the page is, forced. Given equalities on the index
   * prefix (brand, `deleted_at IS NULL`, the parent), MariaDB prefers `ref`
   * access on that prefix over the range that starts at the cursor, even when
   * told the index (`USE INDEX`), and then reads every row from the start of the
   * prefix to the cursor. SQLite finds the range itself, but with a name
   * filter reads every match through the name indexes and sorts them. Leave it
   * unset when a filter more selective than the order (ids, an exact key) is
   * there for the planner to use.
   */
  index?: string;
  run: (sql: string, parameters: unknown[]) => Promise<Record<string, unknown>[]>;
}

/** A page's cursors: its rows lie beyond `after` and before `before` in the keyset's order. */
export interface KeysetBounds {
  after: CursorKey | null;
  before: CursorKey | null;
}

/**
 * Keeps the rows of `query` between the bounds (see `keysetBound`) and orders
 * them away from the cursor: in the keyset's order, reversed for a backward
 * read. `keyset` names its columns as `query` does (it may be another
 * table's, as in a derived table of search terms).
 */
export function rangeInOrder<Q extends ObjectLiteral, T>(query: SelectQueryBuilder<Q>, keyset: Keyset<T>, bounds: KeysetBounds, backward: boolean): void {
  const dialect = dialectOf(query);
  if (bounds.after) query.andWhere(...keysetBound(keyset, bounds.after, keyset.descending ? '<' : '>', 'after', dialect));
  if (bounds.before) query.andWhere(...keysetBound(keyset, bounds.before, keyset.descending ? '>' : '<', 'before', dialect));
  const direction = keyset.descending !== backward ? 'DESC' : 'ASC';
  query.orderBy(keyset.columns[0].expression, direction).addOrderBy(keyset.columns[1].expression, direction);
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
  bounds: KeysetBounds,
  plan: KeysetReadPlan,
): Promise<PageSlice<T>> {
  const backward = request.direction === 'backward';
  rangeInOrder(query, keyset, bounds, backward);
  query.limit(request.size + 1);
  const hydrate = entityHydrator(query);
  const [sql, parameters] = statementWithIndex(query, plan.index);
  const rows = (await plan.run(sql, parameters)).map(hydrate);
  const hasMore = rows.length > request.size;
  const page = rows.slice(0, request.size);
  return { rows: backward ? page.reverse() : page, hasMore };
}

/**
 * The query's SQL and parameters, with the index forced after its main table:
 * `FORCE INDEX (index)` on MySQL, `INDEXED BY index` on SQLite (see `KeysetReadPlan.index`).
 */
export function statementWithIndex<T extends ObjectLiteral>(query: SelectQueryBuilder<T>, index: string | undefined): [string, unknown[]] {
  const [sql, parameters] = query.getQueryAndParameters();
  if (index === undefined) return [sql, parameters];
  const alias = query.expressionMap.mainAlias;
  if (!alias?.hasMetadata) throw new Error('statementWithIndex needs a query over an entity');
  const from = ` FROM ${query.escape(alias.metadata.tableName)} ${query.escape(alias.name)}`;
  const at = sql.indexOf(from);
  if (at < 0) throw new Error(`statementWithIndex found no "${from}" in the query`);
  const end = at + from.length;
  const hint = dialectOf(query) === 'mysql' ? `FORCE INDEX (${query.escape(index)})` : `INDEXED BY ${query.escape(index)}`;
  return [`${sql.slice(0, end)} ${hint}${sql.slice(end)}`, parameters];
}

/** The SQL dialect a statement is written for. */
export type SqlDialect = 'mysql' | 'sqlite';

export function dialectOf<T extends ObjectLiteral>(query: SelectQueryBuilder<T>): SqlDialect {
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
  dialect: SqlDialect,
): [string, Record<string, string | number | Date>] {
  const [sort, tie] = keyset.columns;
  if (key.length !== keyset.columns.length) throw malformedCursor(name);
  const parameters = { [`${name}Sort`]: boundParameter(sort, key[0]!, name), [`${name}Tie`]: boundParameter(tie, key[1]!, name) };
  const s = sort.expression;
  const t = tie.expression;
  if (dialect === 'sqlite') return [`(${s}, ${t}) ${operator} (:${name}Sort, :${name}Tie)`, parameters];
  return [
    `(${s} ${operator}= :${name}Sort AND (${s} ${operator} :${name}Sort OR (${s} = :${name}Sort AND ${t} ${operator} :${name}Tie)))`,
    parameters,
  ];
}

/**
 * `keysetBound` for a page whose tie-breaker is pinned to one value by the
 * query (flags of one customer: the tie-breaker is the customer id). The
 * comparison of the pinned value with the cursor's is decided here, so the
 * condition is a plain `sort > :s` (or `>=`) and the order needs the sort
 * column only: MariaDB sorts a page whose ORDER BY or bound names the pinned
 * column, even when the index serves it. Identifiers compare as ASCII, the same
 * in JavaScript as in either database.
 */
export function pinnedTieBound<T>(
  keyset: Keyset<T>,
  key: CursorKey,
  operator: '<' | '>',
  name: string,
  pinnedTie: string,
): [string, Record<string, string | number | Date>] {
  const [sort, tie] = keyset.columns;
  if (key.length !== keyset.columns.length) throw malformedCursor(name);
  const sortValue = boundParameter(sort, key[0]!, name);
  const tieValue = String(boundParameter(tie, key[1]!, name));
  const tieBeyond = operator === '>' ? pinnedTie > tieValue : pinnedTie < tieValue;
  return [`${sort.expression} ${operator}${tieBeyond ? '=' : ''} :${name}Sort`, { [`${name}Sort`]: sortValue }];
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

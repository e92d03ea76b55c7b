import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { CursorKey, malformedCursor } from '../core/paging/cursor-codec';
import { PageRequest } from '../core/paging/page-request';
import { PageSlice } from '../core/paging/connection';
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
}

export function cursorKeyOf<T>(keyset: Keyset<T>, row: T): CursorKey {
  return keyset.columns.map((column) => {
    const value = column.value(row);
    return value instanceof Date ? value.toISOString() : value;
  });
}

/**
 * Reads one keyset page: `WHERE (sort, id) > (…) ORDER BY sort, id LIMIT n + 1`,
 * with the comparison spelt out (`sort > ? OR (sort = ? AND id > ?)`) so both
 * MySQL and SQLite turn it into a range scan of the `(brand, sort, id)` index.
 * Backward pages read in the reverse order and are flipped before returning.
 */
export async function readKeysetPage<T extends ObjectLiteral>(
  query: SelectQueryBuilder<T>,
  keyset: Keyset<T>,
  request: PageRequest,
  bounds: { after: CursorKey | null; before: CursorKey | null },
): Promise<PageSlice<T>> {
  if (bounds.after) applyBound(query, keyset, bounds.after, keyset.descending ? '<' : '>', 'after');
  if (bounds.before) applyBound(query, keyset, bounds.before, keyset.descending ? '>' : '<', 'before');
  const backward = request.direction === 'backward';
  const readDescending = keyset.descending !== backward;
  const direction = readDescending ? 'DESC' : 'ASC';
  query.orderBy(keyset.columns[0].expression, direction).addOrderBy(keyset.columns[1].expression, direction);
  const rows = await readEntities(query.limit(request.size + 1));
  const hasMore = rows.length > request.size;
  const page = rows.slice(0, request.size);
  return { rows: backward ? page.reverse() : page, hasMore };
}

function applyBound<T extends ObjectLiteral>(
  query: SelectQueryBuilder<T>,
  keyset: Keyset<T>,
  key: CursorKey,
  operator: '<' | '>',
  name: string,
): void {
  const [condition, parameters] = keysetBound(keyset, key, operator, name);
  query.andWhere(condition, parameters);
}

/**
 * The condition "row lies beyond `key`" for a two-column keyset, spelt out as
 * `sort > :s OR (sort = :s AND id > :t)`, with its named parameters.
 */
export function keysetBound<T>(
  keyset: Keyset<T>,
  key: CursorKey,
  operator: '<' | '>',
  name: string,
): [string, Record<string, string | number | Date>] {
  const [sort, tie] = keyset.columns;
  if (key.length !== keyset.columns.length) throw malformedCursor(name);
  return [
    `(${sort.expression} ${operator} :${name}Sort OR (${sort.expression} = :${name}Sort AND ${tie.expression} ${operator} :${name}Tie))`,
    { [`${name}Sort`]: boundParameter(sort, key[0]!, name), [`${name}Tie`]: boundParameter(tie, key[1]!, name) },
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

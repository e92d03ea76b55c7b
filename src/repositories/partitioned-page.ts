import { Brackets, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { CursorKey } from '../pagination/cursor-codec';
import { PageSlice } from '../pagination/connection';
import { PageRequest } from '../pagination/page-request';
import { Keyset, keysetBound } from './keyset';
import { readEntities } from './read-entities';

/** A page's cursor bounds for one parent (customer). */
export interface ParentBounds {
  after: CursorKey | null;
  before: CursorKey | null;
}

export interface PartitionedPageSpec<T extends ObjectLiteral> {
  /** A fresh query over the child rows with the given alias. */
  from: (alias: string) => SelectQueryBuilder<T>;
  /** The filtered query over the child rows, aliased `alias`. */
  scoped: () => SelectQueryBuilder<T>;
  alias: string;
  /** Raw column (with alias) holding the parent id, e.g. `a.customer_id`. */
  parentColumn: string;
  parentOf: (row: T) => string;
  /** Raw columns (with alias) that identify a row, to join the ranked ids back. */
  keyColumns: readonly string[];
  /** The connection's order; its expressions are raw columns with `alias`. */
  keyset: Keyset<T>;
}

/**
 * Reads one page for every parent in a single statement: the child rows of
 * every parent are numbered with `ROW_NUMBER() OVER (PARTITION BY parent ORDER BY
 * keyset)` and the first `size + 1` of each are kept (the extra row tells
 * whether more lie beyond). Window functions exist in MySQL 8, MariaDB 10.2+
 * and SQLite 3.25+. Cursor bounds apply to the parent they were issued for.
 */
export async function readPagesPerParent<T extends ObjectLiteral>(
  spec: PartitionedPageSpec<T>,
  parentIds: readonly string[],
  request: PageRequest,
  boundsOf: (parentId: string) => ParentBounds,
): Promise<Map<string, PageSlice<T>>> {
  const { alias, keyset } = spec;
  const backward = request.direction === 'backward';
  const direction = keyset.descending !== backward ? 'DESC' : 'ASC';
  const order = keyset.columns.map((column) => `${column.expression} ${direction}`).join(', ');

  const ranked = spec.scoped();
  spec.keyColumns.forEach((column, index) => (index === 0 ? ranked.select(column, 'k0') : ranked.addSelect(column, `k${index}`)));
  ranked.addSelect(`ROW_NUMBER() OVER (PARTITION BY ${spec.parentColumn} ORDER BY ${order})`, 'rn');
  const unbounded = parentIds.filter((parentId) => !boundsOf(parentId).after && !boundsOf(parentId).before);
  const bounded = parentIds.filter((parentId) => !unbounded.includes(parentId));
  ranked.andWhere(
    new Brackets((anyParent) => {
      if (unbounded.length > 0) anyParent.orWhere(`${spec.parentColumn} IN (:...unboundedParents)`, { unboundedParents: unbounded });
      bounded.forEach((parentId, index) => {
        const bounds = boundsOf(parentId);
        anyParent.orWhere(
          new Brackets((parent) => {
            parent.where(`${spec.parentColumn} = :parent${index}`, { [`parent${index}`]: parentId });
            for (const [key, operator, name] of [
              [bounds.after, keyset.descending ? '<' : '>', `after${index}`],
              [bounds.before, keyset.descending ? '>' : '<', `before${index}`],
            ] as const) {
              if (key) parent.andWhere(...keysetBound(keyset, key, operator, name));
            }
          }),
        );
      });
    }),
  );

  const outerAlias = `${alias}_page`;
  const joinCondition = spec.keyColumns
    .map((column, index) => `ranked.k${index} = ${column.replace(`${alias}.`, `${outerAlias}.`)}`)
    .join(' AND ');
  const rows = await readEntities(
    spec
      .from(outerAlias)
      .innerJoin(`(${ranked.getQuery()})`, 'ranked', `${joinCondition} AND ranked.rn <= :pageLimit`, { pageLimit: request.size + 1 })
      .setParameters({ ...ranked.getParameters(), pageLimit: request.size + 1 })
      .orderBy('ranked.rn', 'ASC'),
  );

  const byParent = new Map<string, T[]>(parentIds.map((id) => [id, []]));
  for (const row of rows) byParent.get(spec.parentOf(row))?.push(row);
  const slices = new Map<string, PageSlice<T>>();
  for (const [parentId, parentRows] of byParent) {
    const page = parentRows.slice(0, request.size);
    slices.set(parentId, { rows: backward ? page.reverse() : page, hasMore: parentRows.length > request.size });
  }
  return slices;
}

/** Counts the rows of every parent in one grouped statement; parents without rows count 0. */
export async function countPerParent<T extends ObjectLiteral>(
  scoped: SelectQueryBuilder<T>,
  parentColumn: string,
  parentIds: readonly string[],
): Promise<Map<string, number>> {
  const raw = await scoped
    .select(parentColumn, 'parent')
    .addSelect('COUNT(*)', 'total')
    .andWhere(`${parentColumn} IN (:...countParents)`, { countParents: parentIds })
    .groupBy(parentColumn)
    .getRawMany<{ parent: string; total: number | string }>();
  const counts = new Map<string, number>(parentIds.map((id) => [id, 0]));
  for (const { parent, total } of raw) counts.set(parent, Number(total));
  return counts;
}

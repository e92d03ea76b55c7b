import { Brackets, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { CursorKey } from '../core/paging/cursor-codec';
import { PageSlice } from '../core/paging/connection';
import { PageRequest } from '../core/paging/page-request';
import { Keyset, keysetBound } from './keyset';
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
}

/**
 * Reads one page for every parent, in one statement per chunk of parents (see
 * `readByKeys`): the child rows of
 * every parent are numbered with `ROW_NUMBER() OVER (PARTITION BY parent ORDER BY
 * keyset)` and the first `size + 1` of each are kept (the extra row tells
 * whether more lie beyond), filtering the numbered rows in a derived table.
 * Window functions exist in MySQL 8, MariaDB 10.2+ and SQLite 3.25+. Cursor
 * bounds apply to the parent they were issued for.
 */
export function readPagesPerParent<T extends ObjectLiteral>(
  spec: PartitionedPageSpec<T>,
  parentIds: readonly string[],
  request: PageRequest,
  boundsOf: (parentId: string) => ParentBounds,
): Promise<Map<string, PageSlice<T>>> {
  return readMapByKeys(parentIds, (chunk) => readChunkOfPages(spec, chunk, request, boundsOf));
}

/** One statement: the pages of at most KEYS_PER_STATEMENT parents. */
async function readChunkOfPages<T extends ObjectLiteral>(
  spec: PartitionedPageSpec<T>,
  parentIds: readonly string[],
  request: PageRequest,
  boundsOf: (parentId: string) => ParentBounds,
): Promise<Map<string, PageSlice<T>>> {
  const { keyset } = spec;
  const backward = request.direction === 'backward';
  const direction = keyset.descending !== backward ? 'DESC' : 'ASC';
  const order = keyset.columns.map((column) => `${column.expression} ${direction}`).join(', ');

  const ranked = spec.scoped();
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

  const hydrate = entityHydrator(ranked);
  const [sql, parameters] = ranked.getQueryAndParameters();
  const raws = await spec.run(`SELECT * FROM (${sql}) ranked WHERE ranked.rn <= ? ORDER BY ranked.rn`, [...parameters, request.size + 1]);
  const rows = raws.map(hydrate);

  const byParent = new Map<string, T[]>(parentIds.map((id) => [id, []]));
  for (const row of rows) byParent.get(spec.parentOf(row))?.push(row);
  const slices = new Map<string, PageSlice<T>>();
  for (const [parentId, parentRows] of byParent) {
    const page = parentRows.slice(0, request.size);
    slices.set(parentId, { rows: backward ? page.reverse() : page, hasMore: parentRows.length > request.size });
  }
  return slices;
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

import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { DriverUtils } from 'typeorm/driver/DriverUtils';

/**
 * A function that maps one raw row of `query` (which selects its main alias's
 * columns, as TypeORM names them: `<alias>_<column>`) to the entity, column by
 * column, with the driver's own value conversion (dates, JSON). TypeORM's
 * `getMany()` gives the same objects through its general transformer
 * (relations, embeddeds, eager loads), which on list reads costs more than the
 * rows themselves; these entities have plain columns only.
 */
export function entityHydrator<T extends ObjectLiteral>(query: SelectQueryBuilder<T>): (raw: Record<string, unknown>) => T {
  const alias = query.expressionMap.mainAlias;
  if (!alias?.hasMetadata) throw new Error('entityHydrator needs a query over an entity');
  const driver = query.connection.driver;
  const columns = alias.metadata.columns.map((column) => ({
    column,
    key: DriverUtils.buildAlias(driver, undefined, alias.name, column.databaseName),
  }));
  return (raw) => {
    const entity: Record<string, unknown> = {};
    for (const { column, key } of columns) entity[column.propertyName] = driver.prepareHydratedValue(raw[key], column);
    return entity as T;
  };
}

/** Runs a query over one entity's own columns and returns the entities (see `entityHydrator`). */
export async function readEntities<T extends ObjectLiteral>(query: SelectQueryBuilder<T>): Promise<T[]> {
  const hydrate = entityHydrator(query);
  const raws: Record<string, unknown>[] = await query.getRawMany();
  return raws.map(hydrate);
}

/**
 * Most keys bound in one statement. SQLite refuses a statement with more than
 * SQLITE_MAX_VARIABLE_NUMBER parameters (32766 in the bundled build, 999 in
 * older or other builds), and MySQL's prepared statements stop at 65535; 500
 * keys leave room for a statement's other parameters under the smallest of them.
 */
export const KEYS_PER_STATEMENT = 500;

/**
 * The one way to read by a list of keys (ids, external ids, parent ids): the
 * distinct keys are split into chunks of at most KEYS_PER_STATEMENT and read
 * one chunk after the other (in a transaction the statements share one
 * connection), so no number of keys reaches a database's parameter limit.
 * Rows come back chunk by chunk; callers that answer per key look them up by key.
 */
export async function readByKeys<K, R>(keys: readonly K[], read: (chunk: K[]) => Promise<R[]>): Promise<R[]> {
  const distinct = [...new Set(keys)];
  const rows: R[] = [];
  for (let start = 0; start < distinct.length; start += KEYS_PER_STATEMENT) {
    rows.push(...(await read(distinct.slice(start, start + KEYS_PER_STATEMENT))));
  }
  return rows;
}

/** `readByKeys` for reads that answer with a map per key (pages and counts per parent). */
export async function readMapByKeys<K, V>(keys: readonly K[], read: (chunk: K[]) => Promise<Map<K, V>>): Promise<Map<K, V>> {
  const entries = await readByKeys(keys, async (chunk) => [...(await read(chunk))]);
  return new Map(entries);
}

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

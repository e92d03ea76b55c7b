import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { DriverUtils } from 'typeorm/driver/DriverUtils';

/**
 * Runs a query over one entity's own columns and maps each raw row to the
 * entity, column by column, with the driver's own value conversion (dates,
 * JSON). TypeORM's `getMany()` gives the same objects through its general
 * transformer (relations, embeddeds, eager loads), which on list reads costs
 * more than the rows themselves; these entities have plain columns only.
 */
export async function readEntities<T extends ObjectLiteral>(query: SelectQueryBuilder<T>): Promise<T[]> {
  const alias = query.expressionMap.mainAlias;
  if (!alias?.hasMetadata) return query.getMany();
  const driver = query.connection.driver;
  const columns = alias.metadata.columns.map((column) => ({
    column,
    key: DriverUtils.buildAlias(driver, undefined, alias.name, column.databaseName),
  }));
  const raws: Record<string, unknown>[] = await query.getRawMany();
  return raws.map((raw) => {
    const entity: Record<string, unknown> = {};
    for (const { column, key } of columns) entity[column.propertyName] = driver.prepareHydratedValue(raw[key], column);
    return entity as T;
  });
}

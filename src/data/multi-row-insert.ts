import { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';

/**
 * Most values bound in one statement: below SQLite's 32,766 and MySQL's 65,535
 * placeholders, so one statement carries up to 1,875 rows of 16 columns.
 */
const MAX_BOUND_VALUES = 30_000;
/**
 * Most characters of text bound in one statement (a statement is cut after the
 * row that reaches it): far below MySQL's default `max_allowed_packet` of
 * 16 MiB even at 3 bytes a character and escaping. A thousand rows with large
 * metadata (an import updating customers that hold 16 KiB each) would exceed it.
 */
const MAX_BOUND_TEXT = 2_000_000;

/** What an inserted row that meets an existing one on a unique key does. */
export type InsertConflict =
  /** Fail with a unique violation (the default). */
  | { kind: 'fail' }
  /**
   * Leave the existing row as it is, and on MySQL lock it exclusively (a no-op
   * `ON DUPLICATE KEY UPDATE`: INSERT IGNORE would take a shared lock, and two
   * shared holders deadlock when both go on to write the row). `target` is the
   * unique key the conflict is expected on.
   */
  | { kind: 'keep'; target: readonly string[] }
  /** Rewrite every column of the existing row but `fixed` from the inserted one (an upsert on `target`). */
  | { kind: 'overwrite'; target: readonly string[]; fixed: readonly string[] };

/**
 * Inserts whole entity rows with one multi-row statement per MAX_BOUND_VALUES
 * values (or MAX_BOUND_TEXT characters of text), each value converted by the driver exactly as TypeORM's own writes
 * convert it (dates, simple-json). TypeORM's insert query builder gives the
 * same SQL, but it registers every value as a named parameter and scans them
 * repeatedly, which at a thousand rows costs far more than the statement.
 */
export async function insertRows<T extends ObjectLiteral>(
  manager: EntityManager,
  entity: EntityTarget<T>,
  rows: readonly T[],
  conflict: InsertConflict = { kind: 'fail' },
): Promise<InsertOutcome> {
  if (rows.length === 0) return { inserted: 0 };
  const connection = manager.connection;
  const driver = connection.driver;
  const metadata = connection.getMetadata(entity);
  const columns = metadata.columns;
  const name = (column: string) => driver.escape(column);
  const mysql = connection.options.type === 'mysql';
  const head = `INSERT INTO ${name(metadata.tableName)} (${columns.map((column) => name(column.databaseName)).join(', ')}) VALUES `;
  const tail = conflictClause(
    conflict,
    mysql,
    name,
    columns.map((column) => column.databaseName),
  );
  const placeholders = `(${columns.map(() => '?').join(', ')})`;
  const perStatement = Math.max(1, Math.floor(MAX_BOUND_VALUES / columns.length));
  let inserted: number | null = 0;
  for (let start = 0; start < rows.length; ) {
    const parameters: unknown[] = [];
    let text = 0;
    let end = start;
    while (end < rows.length && end - start < perStatement && text < MAX_BOUND_TEXT) {
      for (const column of columns) {
        const value: unknown = driver.preparePersistentValue(column.getEntityValue(rows[end]!), column) ?? null;
        if (typeof value === 'string') text += value.length;
        parameters.push(value);
      }
      end += 1;
    }
    const count = end - start;
    start = end;
    const sql = `${head}${Array.from({ length: count }, () => placeholders).join(', ')}${tail}`;
    const added = mysql ? rowsInsertedOnMysql(await manager.query(sql, parameters), count) : await rowsInsertedOnSqlite(manager, sql, parameters);
    inserted = inserted === null || added === null ? null : inserted + added;
  }
  return { inserted };
}

export interface InsertOutcome {
  /** How many rows went in as new rows (the others met an existing row); null when the driver did not say. */
  inserted: number | null;
}

/**
 * MySQL/MariaDB report a multi-row insert as "Records: N  Duplicates: D  …"; mysql2 connects with
 * CLIENT_FOUND_ROWS, so `affectedRows` counts a row left as it was like an inserted one and cannot tell them apart.
 */
function rowsInsertedOnMysql(result: unknown, rows: number): number | null {
  const info = (result as { info?: unknown } | null)?.info;
  const duplicates = typeof info === 'string' ? /Duplicates: (\d+)/.exec(info) : null;
  return duplicates ? rows - Number(duplicates[1]) : null;
}

/** SQLite: the statement's change count, which the transaction's query runner reports. */
async function rowsInsertedOnSqlite(manager: EntityManager, sql: string, parameters: unknown[]): Promise<number | null> {
  const runner = manager.queryRunner;
  if (!runner) {
    await manager.query(sql, parameters);
    return null;
  }
  const result = await runner.query(sql, parameters, true);
  return typeof result.affected === 'number' ? result.affected : null;
}

function conflictClause(conflict: InsertConflict, mysql: boolean, name: (column: string) => string, columns: string[]): string {
  if (conflict.kind === 'fail') return '';
  const target = conflict.target.map(name).join(', ');
  if (conflict.kind === 'keep') {
    const column = name(conflict.target[0]!);
    return mysql ? ` ON DUPLICATE KEY UPDATE ${column} = ${column}` : ` ON CONFLICT (${target}) DO NOTHING`;
  }
  const rewritten = columns.filter((column) => !conflict.fixed.includes(column)).map(name);
  return mysql
    ? ` ON DUPLICATE KEY UPDATE ${rewritten.map((column) => `${column} = VALUES(${column})`).join(', ')}`
    : ` ON CONFLICT (${target}) DO UPDATE SET ${rewritten.map((column) => `${column} = excluded.${column}`).join(', ')}`;
}

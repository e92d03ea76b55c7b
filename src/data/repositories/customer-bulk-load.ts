import { DataSource } from 'typeorm';
import { CustomerEntity } from '../entities/customer.entity';
import { insertRows } from '../multi-row-insert';

/** The largest number of placeholders a MySQL prepared statement takes. */
const MYSQL_MAX_PLACEHOLDERS = 65_535;

/** A plain multi-row statement of the mysql2 connection under a TypeORM query runner. */
interface MysqlConnection {
  execute(sql: string, values: unknown[], callback: (error: Error | null) => void): void;
}

export interface BulkLoadOptions {
  /** How many rows to insert. */
  count: number;
  /** Builds rows `from` … `from + size - 1` (called while the previous statement runs). */
  build: (from: number, size: number) => CustomerEntity[];
  /** Rows per transaction. */
  rowsPerTransaction: number;
  /** Called after each commit with the number of rows inserted so far. */
  onProgress?: (inserted: number) => void;
  /**
   * MySQL: drop the non-unique secondary indexes of `customers` for the load
   * and build them again after it, in one ALTER TABLE. Each row otherwise goes
   * into a dozen indexes at random places, which once they outgrow the buffer
   * pool holds inserts to a few thousand rows a second; building an index
   * sorts once. Worth it when the load is at least as large as the table
   * (`seedCustomers` decides); unique indexes stay, so duplicates still fail.
   */
  deferIndexes?: boolean;
}

interface IndexPart {
  name: string;
  column: string;
  subPart: number | null;
}

/** The non-unique secondary indexes of `customers`, column by column in index order. */
async function deferrableIndexes(dataSource: DataSource, table: string): Promise<Map<string, IndexPart[]>> {
  const parts = (await dataSource.query(
    `SELECT index_name AS name, column_name AS \`column\`, sub_part AS subPart FROM information_schema.statistics
      WHERE table_schema = DATABASE() AND table_name = ? AND non_unique = 1 ORDER BY index_name, seq_in_index`,
    [table],
  )) as IndexPart[];
  const indexes = new Map<string, IndexPart[]>();
  for (const part of parts) indexes.set(part.name, [...(indexes.get(part.name) ?? []), part]);
  return indexes;
}

/** Runs `load` with the table's non-unique indexes dropped, and builds them again whatever happens. */
async function withIndexesDeferred<T>(dataSource: DataSource, table: string, load: () => Promise<T>): Promise<T> {
  const indexes = await deferrableIndexes(dataSource, table);
  if (indexes.size === 0) return load();
  const name = (identifier: string) => dataSource.driver.escape(identifier);
  await dataSource.query(`ALTER TABLE ${name(table)} ${[...indexes.keys()].map((index) => `DROP INDEX ${name(index)}`).join(', ')}`);
  try {
    return await load();
  } finally {
    const additions = [...indexes].map(
      ([index, parts]) =>
        `ADD INDEX ${name(index)} (${parts.map((part) => `${name(part.column)}${part.subPart === null ? '' : `(${part.subPart})`}`).join(', ')})`,
    );
    await dataSource.query(`ALTER TABLE ${name(table)} ${additions.join(', ')}`);
  }
}

/**
 * Inserts many new customers as fast as the database takes them, for seeding:
 * on MySQL/MariaDB one prepared multi-row INSERT of as many rows as a prepared
 * statement has placeholders for, prepared once and executed again and again
 * on one connection, many statements per transaction; the next rows are built
 * while the server writes the previous ones. SQLite (one in-process connection,
 * no network to hide) takes `insertRows`' statements in the same transactions.
 * With `deferIndexes`, MySQL builds the non-unique indexes after the load.
 * Unlike the service's writes there are no events, versions or retries: the
 * rows are new, and a failure rolls back the transaction that was running.
 */
export async function bulkLoadCustomers(dataSource: DataSource, options: BulkLoadOptions): Promise<number> {
  if (options.deferIndexes && dataSource.options.type === 'mysql') {
    const table = dataSource.getMetadata(CustomerEntity).tableName;
    return withIndexesDeferred(dataSource, table, () => loadRows(dataSource, options));
  }
  return loadRows(dataSource, options);
}

async function loadRows(dataSource: DataSource, options: BulkLoadOptions): Promise<number> {
  const metadata = dataSource.getMetadata(CustomerEntity);
  const columns = metadata.columns;
  const mysql = dataSource.options.type === 'mysql';
  const rowsPerStatement = mysql ? Math.floor(MYSQL_MAX_PLACEHOLDERS / columns.length) : options.rowsPerTransaction;
  const driver = dataSource.driver;
  const name = (column: string) => driver.escape(column);
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  const statementFor = (rows: number) =>
    `INSERT INTO ${name(metadata.tableName)} (${columns.map((column) => name(column.databaseName)).join(', ')}) VALUES ${Array.from({ length: rows }, () => tuple).join(', ')}`;
  const fullStatement = statementFor(rowsPerStatement);

  const queryRunner = dataSource.createQueryRunner();
  try {
    const connection = (await queryRunner.connect()) as MysqlConnection;
    const write = async (rows: CustomerEntity[]): Promise<void> => {
      if (!mysql) {
        await insertRows(queryRunner.manager, CustomerEntity, rows);
        return;
      }
      const values: unknown[] = [];
      for (const row of rows) {
        for (const column of columns) values.push(driver.preparePersistentValue(column.getEntityValue(row), column) ?? null);
      }
      // mysql2 prepares a statement once per connection and SQL text, and reuses it: every full chunk shares one.
      const sql = rows.length === rowsPerStatement ? fullStatement : statementFor(rows.length);
      await new Promise<void>((resolve, reject) => connection.execute(sql, values, (error) => (error ? reject(error) : resolve())));
    };

    let inserted = 0;
    while (inserted < options.count) {
      const size = Math.min(options.rowsPerTransaction, options.count - inserted);
      await queryRunner.startTransaction();
      try {
        let rows = options.build(inserted, Math.min(rowsPerStatement, size));
        for (let done = 0; done < size; ) {
          const writing = write(rows);
          done += rows.length;
          rows = done < size ? options.build(inserted + done, Math.min(rowsPerStatement, size - done)) : [];
          await writing;
        }
        await queryRunner.commitTransaction();
      } catch (error) {
        await queryRunner.rollbackTransaction();
        throw error;
      }
      inserted += size;
      options.onProgress?.(inserted);
    }
    return inserted;
  } finally {
    await queryRunner.release();
  }
}

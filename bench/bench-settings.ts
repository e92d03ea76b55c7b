import { createConnection } from 'mysql2/promise';
import { DatabaseConfig, parseDatabaseUrl } from '../src/core/config';

export type MysqlSettings = Extract<DatabaseConfig, { dialect: 'mysql' }>;

/** A positive whole number from the environment, or `fallback` when unset. */
export function positiveInteger(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive whole number, got "${raw}"`);
  return value;
}

/** The benchmarks measure MySQL/MariaDB: BENCH_DATABASE_URL must be a mysql:// URL. */
export function mysqlSettings(url: string): MysqlSettings {
  const database = parseDatabaseUrl(url);
  if (database.dialect !== 'mysql') throw new Error('BENCH_DATABASE_URL must be a mysql:// URL');
  return database;
}

/** Creates the benchmark's database when it does not exist yet; its tables come from the migrations. */
export async function createDatabaseIfMissing(database: MysqlSettings): Promise<void> {
  const { host, port, user, password } = database;
  const connection = await createConnection({ host, port, user, password, connectTimeout: 3000 });
  try {
    await connection.query(`CREATE DATABASE IF NOT EXISTS \`${database.database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await connection.end();
  }
}

/** Drops and re-creates the benchmark's database (a database for one benchmark only); its tables come from the migrations. */
export async function recreateDatabase(database: MysqlSettings): Promise<void> {
  const { host, port, user, password } = database;
  const connection = await createConnection({ host, port, user, password, connectTimeout: 3000 });
  try {
    await connection.query(`DROP DATABASE IF EXISTS \`${database.database}\``);
    await connection.query(`CREATE DATABASE \`${database.database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await connection.end();
  }
}

import { QueryRunner } from 'typeorm';

/** The tables this service owns; every text column of each compares exactly on MySQL. */
export const OWN_TABLES = ['customers', 'customer_channels', 'customer_flags', 'customer_activities', 'idempotency_keys'] as const;

/**
 * The one collation text uses on the MySQL dialect, keyed on the server.
 *
 * It must be binary (case, accents and Unicode normalisation are other values,
 * and text sorts by code point, as SQLite's memcmp of UTF-8 does) and NO PAD
 * (`'a' <> 'a '`, as in SQLite). MariaDB's `utf8mb4_bin` is PAD SPACE, so
 * MariaDB uses `utf8mb4_nopad_bin`; MySQL 8's `utf8mb4_0900_bin` is NO PAD
 * already. Case-insensitive matching is done on keys the service computes
 * (`email_key`, `name_key`, `family_name_key`), compared exactly too.
 */
export function exactCollationFor(serverVersion: string): string {
  if (/mariadb/i.test(serverVersion)) return 'utf8mb4_nopad_bin';
  const major = Number(/^(\d+)\./.exec(serverVersion)?.[1] ?? Number.NaN);
  if (!(major >= 8)) {
    throw new Error(`MySQL ${serverVersion} has no NO PAD binary collation; MySQL 8 or MariaDB 10.11 is required.`);
  }
  return 'utf8mb4_0900_bin';
}

/** The server's exact collation, or null on SQLite (its BINARY collation compares bytes, never padding). */
export async function exactCollation(queryRunner: QueryRunner): Promise<string | null> {
  if (queryRunner.connection.driver.options.type !== 'mysql') return null;
  // TypeORM's own version probe drops the "-MariaDB" suffix, which is what tells the two apart.
  const [row] = (await queryRunner.query('SELECT VERSION() AS version')) as Array<{ version: string }>;
  return exactCollationFor(String(row?.version ?? ''));
}

/** Column options for a text column that must compare exactly (every text column of ours). */
export async function exactTextOptions(queryRunner: QueryRunner): Promise<{ charset?: string; collation?: string }> {
  const collation = await exactCollation(queryRunner);
  return collation === null ? {} : { charset: 'utf8mb4', collation };
}

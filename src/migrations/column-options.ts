import { QueryRunner } from 'typeorm';

/**
 * Identifiers, keys and lower-cased match columns compare byte for byte on MySQL,
 * so `externalId` "A1" and "a1" are different ids and the keyset order is the
 * same one JavaScript sees. SQLite compares bytes already.
 */
export function binaryCollation(queryRunner: QueryRunner): { charset?: string; collation?: string } {
  return queryRunner.connection.driver.options.type === 'mysql' ? { charset: 'utf8mb4', collation: 'utf8mb4_bin' } : {};
}

import { MigrationInterface, QueryRunner } from 'typeorm';
import { exactCollation, OWN_TABLES } from './column-options';

/** The earliest and latest instants a MySQL DATETIME holds, as both dialects store them. */
const EARLIEST_STORED = '1000-01-01 00:00:00.000';
const LATEST_STORED = '9999-12-31 23:59:59.999';

/** Columns that held free text under the database's default collation before this migration. */
const FREE_TEXT_COLUMNS: Record<string, readonly string[]> = {
  customers: ['given_name', 'family_name', 'email_address', 'metadata'],
  customer_activities: ['message', 'initiated_by', 'source_url', 'data'],
};

/**
 * Makes text compare exactly on MySQL/MariaDB, as it does on SQLite: every text
 * column of our tables, and each table's default (so columns added later are
 * exact too), takes the server's NO PAD binary collation. Before, identifiers
 * were `utf8mb4_bin`, which MariaDB pads (`'k' = 'k '`), and free text took the
 * database default. Converting rebuilds each table once.
 *
 * It also moves activity instants outside 1000-01-01 … 9999-12-31 (accepted
 * before the contract bounded dates; MySQL reads them back as other years and a
 * timeline holding them never finishes paging) to the nearest bound, which keeps
 * their place in the timeline.
 */
export class ExactTextAndDates1765000000000 implements MigrationInterface {
  name = 'ExactTextAndDates1765000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const collation = await exactCollation(queryRunner);
    if (collation !== null) {
      for (const table of OWN_TABLES) {
        if (await queryRunner.hasTable(table)) {
          await queryRunner.query(`ALTER TABLE \`${table}\` CONVERT TO CHARACTER SET utf8mb4 COLLATE ${collation}`);
        }
      }
    }
    await queryRunner.query(`UPDATE customer_activities SET occurred_at = ? WHERE occurred_at < ?`, [EARLIEST_STORED, EARLIEST_STORED]);
    if (collation === null) {
      // SQLite keeps what it is given: a year past 9999 is stored with five digits and sorts as text between 1000 and 9999.
      await queryRunner.query(`UPDATE customer_activities SET occurred_at = ? WHERE occurred_at NOT GLOB '[0-9][0-9][0-9][0-9]-*'`, [
        LATEST_STORED,
      ]);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    if ((await exactCollation(queryRunner)) === null) return;
    for (const table of OWN_TABLES) {
      if (!(await queryRunner.hasTable(table))) continue;
      await queryRunner.query(`ALTER TABLE \`${table}\` CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
      const freeText = FREE_TEXT_COLUMNS[table] ?? [];
      const columns =
        freeText.length === 0
          ? []
          : ((await queryRunner.query(
              `SELECT column_name AS name, column_type AS type, is_nullable AS nullable FROM information_schema.columns
          WHERE table_schema = DATABASE() AND table_name = ? AND column_name IN (${freeText.map(() => '?').join(', ')})`,
              [table, ...freeText],
            )) as Array<{ name: string; type: string; nullable: string }>);
      const modifications = columns.map(
        (column) =>
          `MODIFY \`${column.name}\` ${column.type} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci ${column.nullable === 'YES' ? 'NULL' : 'NOT NULL'}`,
      );
      const restore = ['DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci', ...modifications];
      await queryRunner.query(`ALTER TABLE \`${table}\` ${restore.join(', ')}`);
    }
  }
}

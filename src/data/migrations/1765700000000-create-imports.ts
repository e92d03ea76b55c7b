import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { exactTextOptions } from './column-options';

const EXPORT_INDEX = 'ix_customers_brand_live_id';

/**
 * CSV import jobs (`customer_imports`), their stored rows
 * (`customer_import_chunks`, removed as they are applied) and their error rows
 * (`customer_import_errors`); and `(brand, deleted_at, id)` on customers, so
 * an export's keyset page of live customers in id order is one index range.
 */
export class CreateImports1765700000000 implements MigrationInterface {
  name = 'CreateImports1765700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Every text column, JSON included, holds the file's text as given (utf8mb4, outside the BMP too).
    const exact = await exactTextOptions(queryRunner);
    // A chunk holds up to a few MiB of JSON: MySQL's TEXT stops at 64 KiB.
    const long = queryRunner.connection.driver.options.type === 'mysql' ? 'longtext' : 'text';
    await queryRunner.createTable(
      new Table({
        name: 'customer_imports',
        columns: [
          { name: 'id', type: 'varchar', length: '30', isPrimary: true, ...exact },
          { name: 'brand', type: 'varchar', length: '64', ...exact },
          { name: 'status', type: 'varchar', length: '16', ...exact },
          { name: 'columns', type: long, ...exact },
          { name: 'total_rows', type: 'int' },
          { name: 'chunk_count', type: 'int' },
          { name: 'chunks_applied', type: 'int' },
          { name: 'rows_processed', type: 'int' },
          { name: 'created', type: 'int' },
          { name: 'updated', type: 'int' },
          { name: 'failed', type: 'int' },
          { name: 'error_count', type: 'int' },
          { name: 'leased_by', type: 'varchar', length: '64', isNullable: true, ...exact },
          { name: 'lease_expires_at', type: 'datetime', precision: 3, isNullable: true },
          { name: 'failure', type: 'varchar', length: '500', isNullable: true, ...exact },
          { name: 'created_at', type: 'datetime', precision: 3 },
          { name: 'finished_at', type: 'datetime', precision: 3, isNullable: true },
        ],
        // Workers look for work by status, oldest first.
        indices: [new TableIndex({ name: 'ix_customer_imports_status_created', columnNames: ['status', 'created_at'] })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'customer_import_chunks',
        columns: [
          { name: 'import_id', type: 'varchar', length: '30', isPrimary: true, ...exact },
          { name: 'chunk_no', type: 'int', isPrimary: true },
          { name: 'first_row', type: 'int' },
          { name: 'rows', type: long, ...exact },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'customer_import_errors',
        columns: [
          { name: 'import_id', type: 'varchar', length: '30', isPrimary: true, ...exact },
          { name: 'error_no', type: 'int', isPrimary: true },
          { name: 'row_no', type: 'int' },
          { name: 'column_name', type: 'varchar', length: '255', isNullable: true, ...exact },
          { name: 'code', type: 'varchar', length: '32', ...exact },
          { name: 'message', type: 'varchar', length: '500', ...exact },
        ],
        // Errors are listed in row order; chunks applied side by side record theirs in commit order.
        indices: [new TableIndex({ name: 'ix_customer_import_errors_row', columnNames: ['import_id', 'row_no', 'error_no'] })],
      }),
    );
    await queryRunner.createIndex('customers', new TableIndex({ name: EXPORT_INDEX, columnNames: ['brand', 'deleted_at', 'id'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('customers', EXPORT_INDEX);
    await queryRunner.dropTable('customer_import_errors');
    await queryRunner.dropTable('customer_import_chunks');
    await queryRunner.dropTable('customer_imports');
  }
}

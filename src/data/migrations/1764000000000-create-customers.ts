import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { exactTextOptions } from './column-options';

export class CreateCustomers1764000000000 implements MigrationInterface {
  name = 'CreateCustomers1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const exact = await exactTextOptions(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'customers',
        columns: [
          { name: 'id', type: 'varchar', length: '30', isPrimary: true, ...exact },
          { name: 'brand', type: 'varchar', length: '64', ...exact },
          { name: 'external_id', type: 'varchar', length: '128', isNullable: true, ...exact },
          { name: 'given_name', type: 'varchar', length: '100' },
          { name: 'family_name', type: 'varchar', length: '100' },
          { name: 'name_key', type: 'varchar', length: '201', ...exact },
          { name: 'family_name_key', type: 'varchar', length: '100', ...exact },
          { name: 'email_address', type: 'varchar', length: '250', isNullable: true },
          { name: 'email_key', type: 'varchar', length: '250', ...exact },
          { name: 'phone_number', type: 'varchar', length: '20', isNullable: true, ...exact },
          { name: 'language_code', type: 'varchar', length: '35', isNullable: true, ...exact },
          { name: 'metadata', type: 'text' },
          { name: 'created_at', type: 'datetime', precision: 3 },
          { name: 'updated_at', type: 'datetime', precision: 3 },
          { name: 'deleted_at', type: 'datetime', precision: 3, isNullable: true },
          { name: 'version', type: 'int' },
        ],
      }),
    );
    const indexes: Array<[string, string[], boolean?]> = [
      ['uq_customers_brand_external_id', ['brand', 'external_id'], true],
      // One (brand, sort column, id) index per CustomerSortField, for keyset pages.
      ['ix_customers_brand_created_at_id', ['brand', 'created_at', 'id']],
      ['ix_customers_brand_updated_at_id', ['brand', 'updated_at', 'id']],
      ['ix_customers_brand_family_name_key_id', ['brand', 'family_name_key', 'id']],
      ['ix_customers_brand_email_key_id', ['brand', 'email_key', 'id']],
      // Filters.
      ['ix_customers_brand_phone_number', ['brand', 'phone_number']],
      ['ix_customers_brand_language_code', ['brand', 'language_code']],
      ['ix_customers_brand_name_key', ['brand', 'name_key']],
    ];
    for (const [name, columnNames, isUnique] of indexes) {
      await queryRunner.createIndex('customers', new TableIndex({ name, columnNames, isUnique: isUnique ?? false }));
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('customers');
  }
}

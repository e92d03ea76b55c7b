import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { exactTextOptions } from './column-options';

export class CreateChannelsFlagsActivities1764100000000 implements MigrationInterface {
  name = 'CreateChannelsFlagsActivities1764100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const exact = await exactTextOptions(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'customer_channels',
        columns: [
          { name: 'id', type: 'varchar', length: '30', isPrimary: true, ...exact },
          { name: 'customer_id', type: 'varchar', length: '30', ...exact },
          { name: 'brand', type: 'varchar', length: '64', ...exact },
          { name: 'type', type: 'varchar', length: '16', ...exact },
          { name: 'value', type: 'varchar', length: '255', ...exact },
          { name: 'created_at', type: 'datetime', precision: 3 },
        ],
        indices: [
          // The same type and value once per customer; also serves reads of one customer's channels.
          new TableIndex({
            name: 'uq_customer_channels_customer_type_value',
            columnNames: ['customer_id', 'type', 'value'],
            isUnique: true,
          }),
          // CustomerFilter.channelValue.
          new TableIndex({ name: 'ix_customer_channels_brand_value', columnNames: ['brand', 'value', 'customer_id'] }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'customer_flags',
        columns: [
          { name: 'customer_id', type: 'varchar', length: '30', isPrimary: true, ...exact },
          { name: 'name', type: 'varchar', length: '64', isPrimary: true, ...exact },
          { name: 'brand', type: 'varchar', length: '64', ...exact },
          { name: 'added_at', type: 'datetime', precision: 3 },
        ],
        // CustomerFilter.hasFlag.
        indices: [new TableIndex({ name: 'ix_customer_flags_brand_name', columnNames: ['brand', 'name', 'customer_id'] })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'customer_activities',
        columns: [
          { name: 'id', type: 'varchar', length: '30', isPrimary: true, ...exact },
          { name: 'customer_id', type: 'varchar', length: '30', ...exact },
          { name: 'brand', type: 'varchar', length: '64', ...exact },
          { name: 'type', type: 'varchar', length: '64', ...exact },
          { name: 'origin', type: 'varchar', length: '8', ...exact },
          { name: 'message', type: 'text', isNullable: true },
          { name: 'initiated_by', type: 'varchar', length: '255', isNullable: true },
          { name: 'source_url', type: 'varchar', length: '2048', isNullable: true },
          { name: 'data', type: 'text' },
          { name: 'occurred_at', type: 'datetime', precision: 3 },
          { name: 'recorded_at', type: 'datetime', precision: 3 },
        ],
        // The timeline of one customer, newest first.
        indices: [new TableIndex({ name: 'ix_customer_activities_customer_occurred', columnNames: ['customer_id', 'occurred_at', 'id'] })],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('customer_activities');
    await queryRunner.dropTable('customer_flags');
    await queryRunner.dropTable('customer_channels');
  }
}

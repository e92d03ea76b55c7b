import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { exactTextOptions } from './column-options';

/**
 * The change feed's outbox (`customer_events`), the per-customer sequence heads,
 * and the cursors of the sequencer and of each relay.
 */
export class CreateCustomerEvents1765200000000 implements MigrationInterface {
  name = 'CreateCustomerEvents1765200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const exact = await exactTextOptions(queryRunner);
    // SQLite makes only an INTEGER PRIMARY KEY an auto-increment rowid alias.
    const counter = queryRunner.connection.driver.options.type === 'mysql' ? 'bigint' : 'integer';
    await queryRunner.createTable(
      new Table({
        name: 'customer_events',
        columns: [
          { name: 'insert_order', type: counter, isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'id', type: 'varchar', length: '30', ...exact },
          { name: 'brand', type: 'varchar', length: '64', ...exact },
          { name: 'customer_id', type: 'varchar', length: '30', ...exact },
          { name: 'type', type: 'varchar', length: '32', ...exact },
          { name: 'sequence', type: 'integer', isNullable: true },
          { name: 'position', type: 'bigint', isNullable: true },
          { name: 'occurred_at', type: 'datetime', precision: 3 },
          { name: 'changed_fields', type: 'text' },
          { name: 'data', type: 'text' },
        ],
        indices: [
          new TableIndex({ name: 'uq_customer_events_id', columnNames: ['id'], isUnique: true }),
          // The sequencer reads the unnumbered (position IS NULL) rows in insertion order; relays read by position.
          new TableIndex({ name: 'uq_customer_events_position', columnNames: ['position', 'insert_order'], isUnique: true }),
          // The feed of one brand, and of one customer of it.
          new TableIndex({ name: 'ix_customer_events_brand_position', columnNames: ['brand', 'position'] }),
          new TableIndex({ name: 'ix_customer_events_customer_position', columnNames: ['brand', 'customer_id', 'position'] }),
          // Retention.
          new TableIndex({ name: 'ix_customer_events_occurred', columnNames: ['occurred_at'] }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'customer_event_heads',
        columns: [
          { name: 'customer_id', type: 'varchar', length: '30', isPrimary: true, ...exact },
          { name: 'last_sequence', type: 'integer' },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'event_cursors',
        columns: [
          { name: 'name', type: 'varchar', length: '64', isPrimary: true, ...exact },
          { name: 'position', type: 'bigint', default: 0 },
          { name: 'owner', type: 'varchar', length: '64', isNullable: true, ...exact },
          { name: 'lease_until', type: 'datetime', precision: 3, isNullable: true },
        ],
      }),
    );
    await queryRunner.query(`INSERT INTO event_cursors (name, position) VALUES ('sequencer', 0)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('event_cursors');
    await queryRunner.dropTable('customer_event_heads');
    await queryRunner.dropTable('customer_events');
  }
}

import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { exactTextOptions } from './column-options';

export class CreateIdempotencyKeys1764200000000 implements MigrationInterface {
  name = 'CreateIdempotencyKeys1764200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const exact = await exactTextOptions(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'idempotency_keys',
        columns: [
          { name: 'brand', type: 'varchar', length: '64', isPrimary: true, ...exact },
          { name: 'idempotency_key', type: 'varchar', length: '255', isPrimary: true, ...exact },
          { name: 'request_hash', type: 'varchar', length: '64', ...exact },
          { name: 'customer_id', type: 'varchar', length: '30', ...exact },
          { name: 'created_at', type: 'datetime', precision: 3 },
          { name: 'expires_at', type: 'datetime', precision: 3 },
        ],
        indices: [
          // The hourly clean-up of expired keys.
          new TableIndex({ name: 'ix_idempotency_keys_expires_at', columnNames: ['expires_at'] }),
          // Erasure of a customer removes the keys that created it.
          new TableIndex({ name: 'ix_idempotency_keys_customer_id', columnNames: ['customer_id'] }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('idempotency_keys');
  }
}

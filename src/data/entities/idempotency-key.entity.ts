import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A `createCustomer` idempotency key, kept for 24 hours per brand. The input is
 * kept only as a SHA-256 digest: enough to tell a retry from a different request.
 */
@Entity({ name: 'idempotency_keys' })
export class IdempotencyKeyEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  brand!: string;

  @PrimaryColumn({ name: 'idempotency_key', type: 'varchar', length: 255 })
  key!: string;

  @Column({ name: 'request_hash', type: 'varchar', length: 64 })
  requestHash!: string;

  @Column({ name: 'customer_id', type: 'varchar', length: 30 })
  customerId!: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'expires_at', type: 'datetime', precision: 3 })
  expiresAt!: Date;
}

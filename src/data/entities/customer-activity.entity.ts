import { Column, Entity, PrimaryColumn } from 'typeorm';
import { ActivityOrigin } from '../../core/activity-origin';

/** One event in a customer's timeline: written by this service (SYSTEM) or recorded by another system (EXTERNAL). */
@Entity({ name: 'customer_activities' })
export class CustomerActivityEntity {
  @PrimaryColumn({ type: 'varchar', length: 30 })
  id!: string;

  @Column({ name: 'customer_id', type: 'varchar', length: 30 })
  customerId!: string;

  @Column({ type: 'varchar', length: 64 })
  brand!: string;

  @Column({ type: 'varchar', length: 64 })
  type!: string;

  @Column({ type: 'varchar', length: 8 })
  origin!: ActivityOrigin;

  @Column({ type: 'text', nullable: true })
  message!: string | null;

  @Column({ name: 'initiated_by', type: 'varchar', length: 255, nullable: true })
  initiatedBy!: string | null;

  @Column({ name: 'source_url', type: 'varchar', length: 2048, nullable: true })
  sourceUrl!: string | null;

  @Column({ type: 'simple-json' })
  data!: Record<string, unknown>;

  @Column({ name: 'occurred_at', type: 'datetime', precision: 3 })
  occurredAt!: Date;

  @Column({ name: 'recorded_at', type: 'datetime', precision: 3 })
  recordedAt!: Date;
}

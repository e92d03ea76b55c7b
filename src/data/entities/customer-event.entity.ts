import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One change to a customer, written in the transaction of the change (the outbox).
 *
 * `position` and `sequence` are null until the event sequencer, a single step
 * that runs after commit, numbers it: `position` orders the whole feed,
 * `sequence` counts one customer's events from 1. Numbering only committed rows,
 * one sequencer at a time, is what makes the feed never skip: a position, once
 * visible, is never followed by a smaller one.
 */
@Entity({ name: 'customer_events' })
export class CustomerEventEntity {
  /** Insertion order, to number a batch in the order its events were written. */
  @PrimaryGeneratedColumn({ name: 'insert_order', type: 'bigint' })
  insertOrder!: number;

  @Column({ type: 'varchar', length: 30, unique: true })
  id!: string;

  @Column({ type: 'varchar', length: 64 })
  brand!: string;

  @Column({ name: 'customer_id', type: 'varchar', length: 30 })
  customerId!: string;

  @Column({ type: 'varchar', length: 32 })
  type!: string;

  @Column({ type: 'integer', nullable: true })
  sequence!: number | null;

  @Column({ type: 'bigint', nullable: true })
  position!: number | null;

  @Column({ name: 'occurred_at', type: 'datetime', precision: 3 })
  occurredAt!: Date;

  @Column({ name: 'changed_fields', type: 'simple-json' })
  changedFields!: string[];

  @Column({ type: 'simple-json' })
  data!: Record<string, string>;
}

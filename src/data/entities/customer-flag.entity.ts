import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A flag set on a customer. The primary key (customer, name) makes adding a flag twice impossible. */
@Entity({ name: 'customer_flags' })
export class CustomerFlagEntity {
  @PrimaryColumn({ name: 'customer_id', type: 'varchar', length: 30 })
  customerId!: string;

  @PrimaryColumn({ type: 'varchar', length: 64 })
  name!: string;

  @Column({ type: 'varchar', length: 64 })
  brand!: string;

  @Column({ name: 'added_at', type: 'datetime', precision: 3 })
  addedAt!: Date;
}

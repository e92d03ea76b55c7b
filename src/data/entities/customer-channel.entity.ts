import { Column, Entity, PrimaryColumn } from 'typeorm';
import { ChannelType } from '../../core/channel-type';

/** One way to reach a customer. The same type and value are stored once per customer (a unique index). */
@Entity({ name: 'customer_channels' })
export class CustomerChannelEntity {
  @PrimaryColumn({ type: 'varchar', length: 30 })
  id!: string;

  @Column({ name: 'customer_id', type: 'varchar', length: 30 })
  customerId!: string;

  @Column({ type: 'varchar', length: 64 })
  brand!: string;

  @Column({ type: 'varchar', length: 16 })
  type!: ChannelType;

  @Column({ type: 'varchar', length: 255 })
  value!: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;
}

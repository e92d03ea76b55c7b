import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One search term of a customer (see core/search/search-text.ts): a folded word
 * start of one of its fields, or marked phone digits. `channelId` is '' for the
 * customer's own fields and the channel's id for a channel's terms, so a channel
 * change rewrites only that channel's terms. Written in the transaction of every
 * change to what it is made of.
 *
 * `createdAt` and `deletedAt` are the customer's own, copied so that a search
 * page in creation order is read from the term index alone: the matches of a
 * word are sorted and cut to a page there, and only that page's customers are
 * looked up (see customer-search.ts). Every write of a customer's `deleted_at`
 * writes its terms' too, in the same transaction.
 */
@Entity({ name: 'customer_search_terms' })
export class CustomerSearchTermEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  brand!: string;

  @PrimaryColumn({ name: 'customer_id', type: 'varchar', length: 30 })
  customerId!: string;

  @PrimaryColumn({ name: 'channel_id', type: 'varchar', length: 30 })
  channelId!: string;

  @PrimaryColumn({ type: 'varchar', length: 255 })
  term!: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'deleted_at', type: 'datetime', precision: 3, nullable: true })
  deletedAt!: Date | null;
}

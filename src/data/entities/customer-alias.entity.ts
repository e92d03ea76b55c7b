import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The id of a customer merged into another: reads by id answer with
 * `survivorId`, which is always a customer that exists (a later merge of the
 * survivor re-points its aliases, a purge of it removes them), so a chain of
 * merges resolves in one lookup.
 */
@Entity({ name: 'customer_aliases' })
export class CustomerAliasEntity {
  @PrimaryColumn({ name: 'alias_id', type: 'varchar', length: 30 })
  aliasId!: string;

  @Column({ type: 'varchar', length: 64 })
  brand!: string;

  @Column({ name: 'survivor_id', type: 'varchar', length: 30 })
  survivorId!: string;

  @Column({ name: 'merged_at', type: 'datetime', precision: 3 })
  mergedAt!: Date;
}

import { EntityManager } from 'typeorm';
import { CustomerChannelEntity } from '../entities/customer-channel.entity';
import { CustomerFlagEntity } from '../entities/customer-flag.entity';
import { CustomerActivityEntity } from '../entities/customer-activity.entity';
import { CustomerEntity } from '../entities/customer.entity';
import { CustomerSearchTermEntity } from '../entities/customer-search-term.entity';
import { IdempotencyKeyEntity } from '../entities/idempotency-key.entity';
import { readByKeys, readEntities } from '../read-entities';
import { AliasRepository } from './alias.repository';
import { CustomerRepository } from './customer.repository';

/** The customer a merge keeps, as far as moving rows to it goes. */
export type MergeSurvivor = Pick<CustomerEntity, 'id' | 'createdAt' | 'deletedAt'>;

/** What moving one customer's rows to another did. */
export interface AbsorbResult {
  movedChannels: number;
  droppedChannels: number;
  addedFlags: number;
  movedActivities: number;
}

/**
 * The statements of a merge that move rows from one customer to another. Both
 * customers must be locked by the caller's transaction.
 */
export class MergeRepository {
  private readonly customers: CustomerRepository;
  private readonly aliases: AliasRepository;

  constructor(private readonly manager: EntityManager) {
    this.customers = new CustomerRepository(manager);
    this.aliases = new AliasRepository(manager);
  }

  /**
   * Moves everything of `mergedId` to `survivor` and removes the merged
   * customer's row: channels the survivor lacks (equal type and value once;
   * their search terms go with them), flags it lacks (with their `addedAt`),
   * every activity, the idempotency keys (a retry of the create that made the
   * merged customer answers with the survivor), and the aliases (the merged id
   * and its own aliases now name the survivor). The merged customer's events
   * stay in the feed under its id.
   */
  async absorb(brand: string, mergedId: string, survivor: MergeSurvivor, now: Date): Promise<AbsorbResult> {
    const survivorId = survivor.id;
    const channels = await readEntities(
      this.manager
        .createQueryBuilder(CustomerChannelEntity, 'ch')
        .where('ch.brand = :brand AND ch.customerId IN (:...ids)', { brand, ids: [mergedId, survivorId] }),
    );
    const survivorValues = new Set(channels.filter((row) => row.customerId === survivorId).map((row) => `${row.type}\u0000${row.value}`));
    const mergedChannels = channels.filter((row) => row.customerId === mergedId);
    const moved = mergedChannels.filter((row) => !survivorValues.has(`${row.type}\u0000${row.value}`)).map((row) => row.id);
    await this.moveByIds('customer_channels', 'id', brand, moved, survivorId);
    await this.moveChannelTerms(brand, mergedId, survivor, moved);

    const flags = await readEntities(
      this.manager
        .createQueryBuilder(CustomerFlagEntity, 'f')
        .where('f.brand = :brand AND f.customerId IN (:...ids)', { brand, ids: [mergedId, survivorId] }),
    );
    const survivorFlags = new Set(flags.filter((row) => row.customerId === survivorId).map((row) => row.name));
    const addedFlags = flags
      .filter((row) => row.customerId === mergedId && !survivorFlags.has(row.name))
      .map((row) => ({ ...row, customerId: survivorId }));
    if (addedFlags.length > 0) await this.manager.createQueryBuilder().insert().into(CustomerFlagEntity).values(addedFlags).execute();
    await this.manager.query('DELETE FROM customer_flags WHERE brand = ? AND customer_id = ?', [brand, mergedId]);

    const activities = await this.reassign(CustomerActivityEntity, brand, mergedId, survivorId);
    await this.reassign(IdempotencyKeyEntity, brand, mergedId, survivorId);
    await this.aliases.point(brand, mergedId, survivorId, now);
    // The merged customer's remaining rows: the channels the survivor had already, their terms, and the customer itself.
    await this.manager.query('DELETE FROM customer_channels WHERE brand = ? AND customer_id = ?', [brand, mergedId]);
    await this.customers.delete(brand, mergedId);
    return {
      movedChannels: moved.length,
      droppedChannels: mergedChannels.length - moved.length,
      addedFlags: addedFlags.length,
      movedActivities: activities,
    };
  }

  /** Moves every row of `entity` from one customer to the other; returns how many (TypeORM's `affected`, the same on both dialects). */
  private async reassign(
    entity: typeof CustomerActivityEntity | typeof IdempotencyKeyEntity,
    brand: string,
    fromId: string,
    toId: string,
  ): Promise<number> {
    const result = await this.manager
      .createQueryBuilder()
      .update(entity)
      .set({ customerId: toId })
      .where('brand = :brand AND customer_id = :fromId', { brand, fromId })
      .execute();
    return result.affected ?? 0;
  }

  private async moveByIds(table: string, key: string, brand: string, ids: readonly string[], toId: string): Promise<void> {
    await readByKeys(ids, async (chunk) => {
      await this.manager.query(`UPDATE ${table} SET customer_id = ? WHERE brand = ? AND ${key} IN (${chunk.map(() => '?').join(', ')})`, [
        toId,
        brand,
        ...chunk,
      ]);
      return [];
    });
  }

  /** The terms of moved channels become the survivor's, with its creation and deletion times. */
  private async moveChannelTerms(brand: string, fromId: string, survivor: MergeSurvivor, channelIds: readonly string[]): Promise<void> {
    await readByKeys(channelIds, async (chunk) => {
      await this.manager
        .createQueryBuilder()
        .update(CustomerSearchTermEntity)
        .set({ customerId: survivor.id, createdAt: survivor.createdAt, deletedAt: survivor.deletedAt })
        .where('brand = :brand AND customer_id = :fromId AND channel_id IN (:...chunk)', { brand, fromId, chunk })
        .execute();
      return [];
    });
  }
}

import { EntityManager } from 'typeorm';
import { IdempotencyKeyEntity } from '../entities/idempotency-key.entity';

/** Every SQL statement about `idempotency_keys`. */
export class IdempotencyRepository {
  constructor(private readonly manager: EntityManager) {}

  /** Inserts a key; the primary key (brand, key) refuses a second one with a unique violation. */
  async insert(record: IdempotencyKeyEntity): Promise<void> {
    await this.manager.createQueryBuilder().insert().into(IdempotencyKeyEntity).values(record).execute();
  }

  async find(brand: string, key: string): Promise<IdempotencyKeyEntity | null> {
    return this.manager.createQueryBuilder(IdempotencyKeyEntity, 'k').where('k.brand = :brand AND k.key = :key', { brand, key }).getOne();
  }

  /** Removes one brand's key if it expired by `now`; returns whether it did. */
  async deleteIfExpired(brand: string, key: string, now: Date): Promise<boolean> {
    const result = await this.manager
      .createQueryBuilder()
      .delete()
      .from(IdempotencyKeyEntity)
      .where('brand = :brand AND idempotency_key = :key AND expires_at <= :now', { brand, key, now })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /** Removes every key that expired by `now`; returns how many. */
  async deleteExpired(now: Date): Promise<number> {
    const result = await this.manager
      .createQueryBuilder()
      .delete()
      .from(IdempotencyKeyEntity)
      .where('expires_at <= :now', { now })
      .execute();
    return result.affected ?? 0;
  }

  async deleteByCustomer(brand: string, customerId: string): Promise<void> {
    await this.manager
      .createQueryBuilder()
      .delete()
      .from(IdempotencyKeyEntity)
      .where('brand = :brand AND customer_id = :customerId', { brand, customerId })
      .execute();
  }
}

import { EntityManager } from 'typeorm';
import { IdempotencyKeyEntity } from '../entities/idempotency-key.entity';
import { insertRows } from '../multi-row-insert';

/** Every SQL statement about `idempotency_keys`. */
export class IdempotencyRepository {
  constructor(private readonly manager: EntityManager) {}

  /**
   * Inserts `record` unless the brand already holds its key, and leaves the
   * transaction holding the key's row lock either way: a request holding the
   * key uncommitted makes this wait until it commits or rolls back. Read the
   * holder with `findForUpdate`.
   */
  async insertOrLock(record: IdempotencyKeyEntity): Promise<void> {
    await insertRows(this.manager, IdempotencyKeyEntity, [record], { kind: 'keep', target: ['brand', 'idempotency_key'] });
  }

  /** The key's record, locked until the transaction ends on MySQL (SQLite transactions are serialised). */
  async findForUpdate(brand: string, key: string): Promise<IdempotencyKeyEntity | null> {
    const query = this.manager.createQueryBuilder(IdempotencyKeyEntity, 'k').where('k.brand = :brand AND k.key = :key', { brand, key });
    if (this.manager.connection.options.type === 'mysql') query.setLock('pessimistic_write');
    return query.getOne();
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

import { EntityManager } from 'typeorm';
import { CustomerEntity } from '../entities/customer.entity';
import { CustomerAliasEntity } from '../entities/customer-alias.entity';
import { entityHydrator, readByKeys } from '../read-entities';

/**
 * Every SQL statement about `customer_aliases`, scoped to one brand.
 * Invariant: an alias's survivor is a customer that exists and is no alias
 * itself (merges re-point, purges remove), so one lookup resolves any chain.
 */
export class AliasRepository {
  constructor(private readonly manager: EntityManager) {}

  /**
   * The customers these ids name, following aliases: each requested id maps to
   * its customer, or to the survivor it was merged into. One statement per
   * chunk of ids: the customers with these ids, and (UNION ALL) the survivors
   * of the aliases among them, tagged with the alias they answer.
   */
  async findByIdsFollowingAliases(brand: string, ids: readonly string[], includeDeleted: boolean): Promise<Map<string, CustomerEntity>> {
    const found = new Map<string, CustomerEntity>();
    await readByKeys(ids, async (chunk) => {
      const direct = this.manager
        .createQueryBuilder(CustomerEntity, 'c')
        // NULL, not c.id: TypeORM would select the id under this name instead of its own, and the hydrator would miss it.
        .addSelect('NULL', 'requested_id')
        .where('c.brand = :brand AND c.id IN (:...ids)', { brand, ids: chunk });
      const aliased = this.manager
        .createQueryBuilder(CustomerEntity, 'c')
        .addSelect('a.alias_id', 'requested_id')
        .innerJoin('customer_aliases', 'a', 'a.survivor_id = c.id AND a.brand = c.brand')
        .where('a.brand = :brand AND a.alias_id IN (:...ids)', { brand, ids: chunk });
      if (!includeDeleted) for (const query of [direct, aliased]) query.andWhere('c.deletedAt IS NULL');
      const [directSql, directParameters] = direct.getQueryAndParameters();
      const [aliasedSql, aliasedParameters] = aliased.getQueryAndParameters();
      const hydrate = entityHydrator(direct);
      const raws: Array<Record<string, unknown>> = await this.manager.query(`${directSql} UNION ALL ${aliasedSql}`, [
        ...directParameters,
        ...aliasedParameters,
      ]);
      for (const raw of raws) {
        const customer = hydrate(raw);
        found.set(raw.requested_id == null ? customer.id : String(raw.requested_id), customer);
      }
      return [];
    });
    return found;
  }

  /** The survivor of each of these ids that is an alias (ids that are none are absent). */
  async survivorsOf(brand: string, ids: readonly string[]): Promise<Map<string, string>> {
    const rows = await readByKeys(ids, (chunk) =>
      this.manager.query(
        `SELECT alias_id, survivor_id FROM customer_aliases WHERE brand = ? AND alias_id IN (${chunk.map(() => '?').join(', ')})`,
        [brand, ...chunk],
      ) as Promise<Array<{ alias_id: string; survivor_id: string }>>,
    );
    return new Map(rows.map((row) => [row.alias_id, row.survivor_id]));
  }

  /** Makes `aliasId` (just merged) and every alias of it name `survivorId`. */
  async point(brand: string, aliasId: string, survivorId: string, mergedAt: Date): Promise<void> {
    await this.manager.query('UPDATE customer_aliases SET survivor_id = ? WHERE brand = ? AND survivor_id = ?', [survivorId, brand, aliasId]);
    await this.manager
      .createQueryBuilder()
      .insert()
      .into(CustomerAliasEntity)
      .values({ aliasId, brand, survivorId, mergedAt })
      .execute();
  }

  /** Erasure of a survivor: removes its aliases and returns their ids. */
  async deleteBySurvivor(brand: string, survivorId: string): Promise<string[]> {
    const rows: Array<{ alias_id: string }> = await this.manager.query(
      'SELECT alias_id FROM customer_aliases WHERE brand = ? AND survivor_id = ? ORDER BY alias_id',
      [brand, survivorId],
    );
    if (rows.length > 0) await this.manager.query('DELETE FROM customer_aliases WHERE brand = ? AND survivor_id = ?', [brand, survivorId]);
    return rows.map((row) => row.alias_id);
  }
}

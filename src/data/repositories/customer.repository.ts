import { Brackets, EntityManager, SelectQueryBuilder } from 'typeorm';
import { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { CustomerEntity } from '../entities/customer.entity';
import { CursorKey } from '../../core/paging/cursor-codec';
import { PageRequest } from '../../core/paging/page-request';
import { PageSlice } from '../../core/paging/connection';
import { Keyset, readKeysetPage } from '../keyset';
import { insertRows } from '../multi-row-insert';
import { readByKeys, readEntities } from '../read-entities';

/** A filter already validated and normalised by the service (lower-cased keys, E.164, canonical tags). */
export interface CustomerQuery {
  ids?: string[];
  externalId?: string;
  emailKey?: string;
  phoneNumber?: string;
  namePrefix?: string;
  /** Any of these values matches a channel value exactly. */
  channelValues?: string[];
  hasFlag?: string;
  languageCode?: string;
  createdAfter?: Date;
  createdBefore?: Date;
  updatedAfter?: Date;
  updatedBefore?: Date;
  includeDeleted: boolean;
}

/**
 * TypeORM types insert/update values as deep partials, which treats the
 * simple-json `metadata` column like a relation; rows are written whole.
 */
type CustomerRow = QueryDeepPartialEntity<CustomerEntity>;

export type CustomerColumns = Omit<CustomerEntity, 'id' | 'brand' | 'createdAt'>;

const ALIAS = 'c';

/**
 * Whether the filter holds a condition that picks out few customers by a key of
 * its own (ids, an exact key, a channel or a flag): the planner then reads those
 * and sorts them, and the order's index must not be forced on it. A name prefix,
 * a language and date ranges are left to the walk of the order's index.
 */
function selectiveFilter(filter: CustomerQuery): boolean {
  return (
    filter.ids !== undefined ||
    filter.externalId !== undefined ||
    filter.emailKey !== undefined ||
    filter.phoneNumber !== undefined ||
    filter.channelValues !== undefined ||
    filter.hasFlag !== undefined
  );
}

/** Every SQL statement about the `customers` table. Every method is scoped to one brand. */
export class CustomerRepository {
  constructor(private readonly manager: EntityManager) {}

  async findByIds(brand: string, ids: readonly string[], includeDeleted: boolean): Promise<CustomerEntity[]> {
    return readByKeys(ids, (chunk) => {
      const query = this.select(brand).andWhere(`${ALIAS}.id IN (:...ids)`, { ids: chunk });
      if (!includeDeleted) query.andWhere(`${ALIAS}.deletedAt IS NULL`);
      return readEntities(query);
    });
  }

  async findById(brand: string, id: string, includeDeleted: boolean): Promise<CustomerEntity | null> {
    const [row] = await this.findByIds(brand, [id], includeDeleted);
    return row ?? null;
  }

  /**
   * Reads a live customer and, on MySQL, locks its row until the transaction
   * ends, so changes to one customer's channels and flags queue up behind each
   * other. SQLite transactions are serialised already.
   */
  async findByIdForUpdate(brand: string, id: string, includeDeleted = false): Promise<CustomerEntity | null> {
    const query = this.select(brand).andWhere(`${ALIAS}.id = :id`, { id });
    if (!includeDeleted) query.andWhere(`${ALIAS}.deletedAt IS NULL`);
    if (this.manager.connection.options.type === 'mysql') query.setLock('pessimistic_write');
    return query.getOne();
  }

  /** Customers holding any of these external ids, deleted ones included (they still hold their id). */
  async findByExternalIds(brand: string, externalIds: readonly string[]): Promise<CustomerEntity[]> {
    return readByKeys(externalIds, (chunk) =>
      readEntities(this.select(brand).andWhere(`${ALIAS}.externalId IN (:...externalIds)`, { externalIds: chunk })),
    );
  }

  /**
   * Customers holding any of these external ids, read and, on MySQL, locked
   * until the transaction ends, in external-id order: writers that lock
   * overlapping sets take the locks in one order and cannot deadlock on them.
   * An absent id locks nothing (READ COMMITTED takes no gap locks), so
   * concurrent creators of one new id meet at its insert instead.
   */
  async findByExternalIdsForUpdate(brand: string, externalIds: readonly string[]): Promise<CustomerEntity[]> {
    // Chunks follow the caller's order (sorted), and each chunk locks in external-id order.
    return readByKeys(externalIds, (chunk) => {
      const query = this.select(brand)
        .andWhere(`${ALIAS}.externalId IN (:...externalIds)`, { externalIds: chunk })
        .orderBy(`${ALIAS}.externalId`);
      if (this.manager.connection.options.type === 'mysql') query.setLock('pessimistic_write');
      return readEntities(query);
    });
  }

  /** The id of the customer holding each of these external ids (a plain read: use it on rows this transaction has locked). */
  async idsByExternalIds(brand: string, externalIds: readonly string[]): Promise<Map<string, string>> {
    const rows = await readByKeys(externalIds, (chunk) =>
      this.manager
        .createQueryBuilder(CustomerEntity, ALIAS)
        .select(`${ALIAS}.id`, 'id')
        .addSelect(`${ALIAS}.externalId`, 'externalId')
        .where(`${ALIAS}.brand = :brand`, { brand })
        .andWhere(`${ALIAS}.externalId IN (:...externalIds)`, { externalIds: chunk })
        .getRawMany<{ id: string; externalId: string }>(),
    );
    return new Map(rows.map((row) => [row.externalId, row.id]));
  }

  async page(
    brand: string,
    filter: CustomerQuery,
    keyset: Keyset<CustomerEntity>,
    request: PageRequest,
    bounds: { after: CursorKey | null; before: CursorKey | null },
  ): Promise<PageSlice<CustomerEntity>> {
    const query = this.filtered(brand, filter);
    return readKeysetPage(query, keyset, request, bounds, {
      index: selectiveFilter(filter) ? undefined : this.pageIndex(keyset, filter.includeDeleted),
      run: (sql, parameters) => this.manager.query(sql, parameters),
    });
  }

  /**
   * The index a page in this order is a range of: `(brand, deleted_at, sort, id)`
   * for live customers, `(brand, sort, id)` with deleted ones (see the migrations).
   */
  private pageIndex(keyset: Keyset<CustomerEntity>, includeDeleted: boolean): string {
    const property = keyset.columns[0].expression.slice(`${ALIAS}.`.length);
    const column = this.manager.connection.getMetadata(CustomerEntity).findColumnWithPropertyPath(property);
    if (!column) throw new Error(`No customers column for the sort property ${property}`);
    return includeDeleted ? `ix_customers_brand_${column.databaseName}_id` : `ix_customers_brand_live_${column.databaseName}_id`;
  }

  async count(brand: string, filter: CustomerQuery): Promise<number> {
    return this.filtered(brand, filter).getCount();
  }

  /** Inserts new customers, one statement per thousand or so; an external id another customer holds is a unique violation. */
  async insert(customers: CustomerEntity[]): Promise<void> {
    await insertRows(this.manager, CustomerEntity, customers);
  }

  /**
   * Inserts the customers whose external id no customer of the brand holds, in
   * one statement, and leaves this transaction holding the row lock of every
   * one of them, inserted or not: a row another request inserted and has not
   * committed yet makes the statement wait for that request. Which rows went in
   * is for the caller to read (`idsByExternalIds`) unless the answer says that
   * all went in; an existing row is left as it was. Callers pass rows in
   * external-id order, the order of every other lock on them.
   */
  async insertOrLock(customers: CustomerEntity[]): Promise<{ allInserted: boolean }> {
    const { inserted } = await insertRows(this.manager, CustomerEntity, customers, { kind: 'keep', target: ['brand', 'external_id'] });
    return { allInserted: inserted === customers.length };
  }

  /**
   * Writes whole rows of existing customers (every column but id, brand and
   * created_at) in one statement: `INSERT … ON DUPLICATE KEY UPDATE` on MySQL,
   * `INSERT … ON CONFLICT (id) DO UPDATE` on SQLite. Every row must exist and
   * be locked by this transaction (read with `findByExternalIdsForUpdate` or
   * `findByIdForUpdate`), so the statement only ever takes its update branch.
   */
  async writeLocked(customers: CustomerEntity[]): Promise<void> {
    await insertRows(this.manager, CustomerEntity, customers, { kind: 'overwrite', target: ['id'], fixed: ['id', 'brand', 'created_at'] });
  }

  /**
   * Writes `changes` only if the row still has `version` (optimistic concurrency:
   * TypeORM's save() does not check versions). Returns whether the row was written.
   */
  async updateIfVersion(brand: string, id: string, version: number, changes: Partial<CustomerColumns>): Promise<boolean> {
    const result = await this.manager
      .createQueryBuilder()
      .update(CustomerEntity)
      .set(changes as CustomerRow)
      .where('id = :id AND brand = :brand AND version = :version', { id, brand, version })
      .execute();
    return (result.affected ?? 0) === 1;
  }

  /** Erasure: removes the row for good. Returns whether a row was deleted. */
  async delete(brand: string, id: string): Promise<boolean> {
    const result = await this.manager
      .createQueryBuilder()
      .delete()
      .from(CustomerEntity)
      .where('brand = :brand AND id = :id', { brand, id })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  private select(brand: string): SelectQueryBuilder<CustomerEntity> {
    return this.manager.createQueryBuilder(CustomerEntity, ALIAS).where(`${ALIAS}.brand = :brand`, { brand });
  }

  private filtered(brand: string, filter: CustomerQuery): SelectQueryBuilder<CustomerEntity> {
    const query = this.select(brand);
    if (!filter.includeDeleted) query.andWhere(`${ALIAS}.deletedAt IS NULL`);
    if (filter.ids) query.andWhere(`${ALIAS}.id IN (:...ids)`, { ids: filter.ids.length > 0 ? filter.ids : [''] });
    if (filter.externalId !== undefined) query.andWhere(`${ALIAS}.externalId = :externalId`, { externalId: filter.externalId });
    if (filter.emailKey !== undefined) query.andWhere(`${ALIAS}.emailKey = :emailKey`, { emailKey: filter.emailKey });
    if (filter.phoneNumber !== undefined) query.andWhere(`${ALIAS}.phoneNumber = :phoneNumber`, { phoneNumber: filter.phoneNumber });
    if (filter.languageCode !== undefined) {
      query.andWhere(`${ALIAS}.languageCode = :languageCode`, { languageCode: filter.languageCode });
    }
    if (filter.namePrefix !== undefined) {
      // A range rather than LIKE: MariaDB's index range for `LIKE 'x%'` stops below the first character outside the BMP.
      const { from, below } = prefixRange(filter.namePrefix);
      const startsWith = (column: string) =>
        below === null ? `${ALIAS}.${column} >= :nameFrom` : `(${ALIAS}.${column} >= :nameFrom AND ${ALIAS}.${column} < :nameBelow)`;
      query.andWhere(
        new Brackets((where) =>
          where.where(startsWith('nameKey'), { nameFrom: from, nameBelow: below }).orWhere(startsWith('familyNameKey')),
        ),
      );
    }
    if (filter.channelValues !== undefined) {
      query.andWhere(
        `EXISTS (SELECT 1 FROM customer_channels ch WHERE ch.brand = :brand AND ch.value IN (:...channelValues) AND ch.customer_id = ${ALIAS}.id)`,
        { channelValues: filter.channelValues },
      );
    }
    if (filter.hasFlag !== undefined) {
      query.andWhere(
        `EXISTS (SELECT 1 FROM customer_flags fl WHERE fl.brand = :brand AND fl.name = :hasFlag AND fl.customer_id = ${ALIAS}.id)`,
        { hasFlag: filter.hasFlag },
      );
    }
    const ranges: Array<[Date | undefined, string, string]> = [
      [filter.createdAfter, 'createdAt', '>'],
      [filter.createdBefore, 'createdAt', '<'],
      [filter.updatedAfter, 'updatedAt', '>'],
      [filter.updatedBefore, 'updatedAt', '<'],
    ];
    ranges.forEach(([value, column, operator], index) => {
      if (value !== undefined) query.andWhere(`${ALIAS}.${column} ${operator} :range${index}`, { [`range${index}`]: value });
    });
    return query;
  }
}

const MAX_CODE_POINT = 0x10ffff;

/**
 * The texts that start with `prefix` are exactly those in [from, below) in code
 * point order, which is how both dialects compare the exact key columns
 * (SQLite's memcmp of UTF-8, MySQL's NO PAD binary collation). `below` is the
 * prefix with its last code point raised by one (dropping trailing U+10FFFF,
 * skipping surrogates); null when no text is above every extension of it.
 */
export function prefixRange(prefix: string): { from: string; below: string | null } {
  const codePoints = Array.from(prefix, (character) => character.codePointAt(0)!);
  while (codePoints.length > 0 && codePoints[codePoints.length - 1] === MAX_CODE_POINT) codePoints.pop();
  if (codePoints.length === 0) return { from: prefix, below: null };
  const next = codePoints.pop()! + 1;
  codePoints.push(next === 0xd800 ? 0xe000 : next);
  return { from: prefix, below: String.fromCodePoint(...codePoints) };
}

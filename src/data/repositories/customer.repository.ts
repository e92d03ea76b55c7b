import { Brackets, EntityManager, SelectQueryBuilder } from 'typeorm';
import { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { CustomerEntity } from '../entities/customer.entity';
import { CursorKey } from '../../core/paging/cursor-codec';
import { PageRequest } from '../../core/paging/page-request';
import { PageSlice } from '../../core/paging/connection';
import { cursorKeyOf, dialectOf, Keyset, KeysetBounds, rangeInOrder, readKeysetPage, statementWithIndex } from '../keyset';
import { entityHydrator, readByKeys, readEntities } from '../read-entities';
import { badUserInput } from '../../core/errors/graphql-errors';
import { CustomerSearchTermEntity } from '../entities/customer-search-term.entity';
import { insertRows } from '../multi-row-insert';
import { SEARCHABLE_COLUMNS, searchableChanged, SearchTermRepository } from './search-term.repository';
import { SearchWord } from '../../core/search/search-text';
import {
  drivesBelow,
  LIST_BELOW_TERMS_PER_CHECK,
  rarestWord,
  SEARCH_WALK_BUDGET,
  SEARCH_TERM_INDEX,
  SEARCH_WALK_WINDOWS,
  wordCheck,
  wordCondition,
  wordCustomers,
  wordCustomersTable,
  WordCounts,
  wordIn,
} from './customer-search';
import { prefixRange } from '../prefix-range';
import { AliasRepository } from './alias.repository';

export { prefixRange } from '../prefix-range';

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
  /** Every word must match a search term of the customer (see core/search/search-text.ts). */
  searchWords?: SearchWord[];
  includeDeleted: boolean;
}

/**
 * TypeORM types insert/update values as deep partials, which treats the
 * simple-json `metadata` column like a relation; rows are written whole.
 */
type CustomerRow = QueryDeepPartialEntity<CustomerEntity>;

export type CustomerColumns = Omit<CustomerEntity, 'id' | 'brand' | 'createdAt'>;

const ALIAS = 'c';

/** Whether a write moves a customer between live and deleted (or to another deletion time). */
function deletedAtChanged(before: Pick<CustomerEntity, 'deletedAt'>, after: Pick<CustomerEntity, 'deletedAt'>): boolean {
  return (before.deletedAt?.getTime() ?? null) !== (after.deletedAt?.getTime() ?? null);
}

/** The same order and cursor values, read from other columns (the term table's, or a derived table's). */
function keysetOver(keyset: Keyset<CustomerEntity>, sort: string, tie: string): Keyset<CustomerEntity> {
  return { columns: [{ ...keyset.columns[0], expression: sort }, { ...keyset.columns[1], expression: tie }], descending: keyset.descending };
}

/**
 * Whether the filter is a search and nothing else (deleted customers in or
 * out): the page can then be cut from the term index (see `termOrderedPage`).
 */
function searchOnly(filter: CustomerQuery): boolean {
  const { searchWords, includeDeleted: _includeDeleted, ...others } = filter;
  return searchWords !== undefined && searchWords.length > 0 && Object.values(others).every((value) => value === undefined);
}

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
  /** Kept in step with every write below (see SearchTermRepository). */
  private readonly searchTerms: SearchTermRepository;

  constructor(private readonly manager: EntityManager) {
    this.searchTerms = new SearchTermRepository(manager);
  }

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
    bounds: KeysetBounds,
  ): Promise<PageSlice<CustomerEntity>> {
    filter = await this.followAliases(brand, filter);
    let selective = selectiveFilter(filter);
    let rarest: WordCounts | undefined;
    if (!selective && filter.searchWords !== undefined && filter.searchWords.length > 0) {
      // A rare word picks out few customers by its own index; a common one is cheaper checked along the order's index.
      const limit = drivesBelow(filter.searchWords.length);
      const counted = await rarestWord(this.manager, brand, filter.searchWords, limit);
      if (counted.count < limit) {
        selective = true;
        rarest = counted;
      }
    }
    if (rarest !== undefined && searchOnly(filter) && keyset.columns[0].expression === `${ALIAS}.createdAt`) {
      return this.termOrderedPage(brand, filter, rarest, keyset, request, bounds);
    }
    if (!selective && filter.searchWords !== undefined && filter.searchWords.length > 0) {
      return this.pageInWindows(brand, filter, keyset, request, bounds);
    }
    const query = this.filtered(brand, filter, rarest?.index);
    return readKeysetPage(query, keyset, request, bounds, {
      index: selective ? undefined : this.pageIndex(keyset, filter.includeDeleted),
      run: (sql, parameters) => this.manager.query(sql, parameters),
    });
  }

  /**
   * A search page whose words are all too common to drive it: the order's index
   * is walked and the words are checked on each customer, which costs up to one
   * term lookup per word and customer. Words that are each common can have few
   * customers in common ("a b c d e f"), and an unbounded walk would then read
   * the whole brand (blocking the process on SQLite, until the statement timeout
   * on MariaDB). The walk goes instead through consecutive windows of the order
   * (SEARCH_WALK_WINDOWS customers matching the other filters, two statements
   * each: the window's far edge, then the page's rows inside it) and stops once
   * the page is full or the customers run out. After the last window the page
   * holds the matches found so far (fewer than asked, with a next page to go on
   * from), or, with none found, the search is refused as too broad: the same on
   * both databases, and never a read of the whole brand.
   */
  private async pageInWindows(
    brand: string,
    filter: CustomerQuery,
    keyset: Keyset<CustomerEntity>,
    request: PageRequest,
    bounds: KeysetBounds,
  ): Promise<PageSlice<CustomerEntity>> {
    const index = this.pageIndex(keyset, filter.includeDeleted);
    const run = (sql: string, parameters: unknown[]) => this.manager.query(sql, parameters) as Promise<Record<string, unknown>[]>;
    const backward = request.direction === 'backward';
    // The page's rows in the order they are read (away from the cursor).
    const read: CustomerEntity[] = [];
    const pageOf = (hasMore: boolean) => ({ rows: backward ? [...read].reverse() : read, hasMore });
    let windowBounds = bounds;
    for (const windowSize of SEARCH_WALK_WINDOWS) {
      const edge = await this.windowEdge(brand, filter, keyset, backward, windowBounds, windowSize, index);
      const inWindow = edge === null ? windowBounds : backward ? { ...windowBounds, after: edge.beyond } : { ...windowBounds, before: edge.beyond };
      // With the page's rows all read already, this reads one row: whether there are more.
      const wanted = { ...request, size: request.size - read.length };
      const slice = await readKeysetPage(this.filtered(brand, filter), keyset, wanted, inWindow, { index, run });
      read.push(...(backward ? slice.rows.reverse() : slice.rows));
      if (slice.hasMore || edge === null) return pageOf(slice.hasMore);
      windowBounds = backward ? { ...windowBounds, before: edge.last } : { ...windowBounds, after: edge.last };
    }
    // The matches found so far, as a short page: the next page's walk goes on after its last row.
    if (read.length > 0) return pageOf(true);
    throw badUserInput(
      `\`filter.search\` is too broad to page: its words are each very common, and none of the next ${SEARCH_WALK_BUDGET} ` +
        'customers in this order matches them all. Use longer or fewer words, or add another filter.',
      'filter',
    );
  }

  /**
   * The far edge of the next window of `size` customers matching the filter's
   * conditions other than its words, read from the cursor (`bounds`) away in
   * the page's direction along the order's index (sort column and id only): the
   * window's last customer and the one beyond it, or null when the window
   * reaches the end of the customers.
   */
  private async windowEdge(
    brand: string,
    filter: CustomerQuery,
    keyset: Keyset<CustomerEntity>,
    backward: boolean,
    bounds: KeysetBounds,
    size: number,
    index: string,
  ): Promise<{ last: CursorKey; beyond: CursorKey } | null> {
    const query = this.filtered(brand, { ...filter, searchWords: undefined }).select([keyset.columns[0].expression, keyset.columns[1].expression]);
    rangeInOrder(query, keyset, bounds, backward);
    query.offset(size - 1).limit(2);
    const hydrate = entityHydrator(query);
    const [sql, parameters] = statementWithIndex(query, index);
    const [last, beyond] = ((await this.manager.query(sql, parameters)) as Record<string, unknown>[]).map(hydrate);
    if (!last || !beyond) return null;
    return { last: cursorKeyOf(keyset, last), beyond: cursorKeyOf(keyset, beyond) };
  }

  /**
   * A search page in creation order, cut from the term index. The terms of
   * the rarest word are read as a range of `(brand, term, created_at,
   * customer_id, deleted_at)`; each other word with few terms (see
   * LIST_BELOW_TERMS_PER_CHECK) is the list of its customers, read once as a
   * range of the same index into a temporary table (`wordCustomers` on
   * SQLite, `wordCustomersTable` on MySQL/MariaDB), and the others are checked
   * on the term table's primary key per term. The driving word's terms that pass are grouped by customer, told live
   * or deleted, sorted by `(created_at, customer_id)` beyond the cursor and cut
   * to the page, all in that index. Only the page's customers are then read, by
   * primary key. The terms carry their customer's `created_at` and `deleted_at`
   * (see CustomerSearchTermEntity), so this is the page the order's index would
   * give, cursors included.
   */
  private async termOrderedPage(
    brand: string,
    filter: CustomerQuery,
    rarest: WordCounts,
    keyset: Keyset<CustomerEntity>,
    request: PageRequest,
    bounds: KeysetBounds,
  ): Promise<PageSlice<CustomerEntity>> {
    const words = (filter.searchWords ?? []).map((word, index): [SearchWord, string] => [word, `word${index}`]);
    const limit = drivesBelow(words.length);
    const driving = rarest.index;
    const termKeyset = keysetOver(keyset, 't.created_at', 't.customer_id');
    const dialect = this.manager.connection.options.type === 'mysql' ? 'mysql' : 'sqlite';
    const query = this.select(brand).innerJoin(
      (matches) => {
        matches
          .select('t.customer_id', 'id')
          .addSelect('t.created_at', 'created_at')
          .from(CustomerSearchTermEntity, 't')
          // MySQL/MariaDB only (TypeORM writes no hint for SQLite): see the page's index below.
          .useIndex(SEARCH_TERM_INDEX)
          .where('t.brand = :brand', { brand })
          .andWhere(...wordCondition('t.term', ...words[driving]!));
        words.forEach(([word, name], index) => {
          if (index === driving) return;
          const listed = (rarest.counts[index] ?? limit) < Math.min(limit, LIST_BELOW_TERMS_PER_CHECK * Math.max(1, rarest.count));
          if (!listed) matches.andWhere(...wordCheck('t.customer_id', word, name, dialect));
          else if (dialect === 'sqlite') matches.andWhere(...wordCustomers('t.customer_id', word, name));
          else {
            const list = wordCustomersTable('t.customer_id', word, name);
            matches.innerJoin(list.table, list.alias, list.on, list.parameters);
          }
        });
        if (!filter.includeDeleted) matches.andWhere('t.deleted_at IS NULL');
        // A customer's terms all carry its created_at: grouping by both is grouping by customer, in the page's order.
        matches.groupBy('t.created_at').addGroupBy('t.customer_id');
        rangeInOrder(matches, termKeyset, bounds, request.direction === 'backward');
        return matches.limit(request.size + 1);
      },
      'p',
      `p.id = ${ALIAS}.id`,
    );
    // The page's own rows only (the bounds are applied to the matches above), in the matches' order: ordered by the
    // customers' columns, SQLite walks the order's index of customers and looks each up in the matches instead.
    return readKeysetPage(query, keysetOver(keyset, 'p.created_at', 'p.id'), request, { after: null, before: null }, {
      // The page's customers by primary key and the driving word's terms by the term index (above), said outright on
      // MySQL/MariaDB: left to choose, its planner weighs every index of customers that starts with the brand
      // (estimating each one's range), which took 1.4 ms of a 5 ms page.
      index: dialect === 'mysql' ? 'PRIMARY' : undefined,
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
    const followed = await this.followAliases(brand, filter);
    // Counting reads every match: the rarest word's matches through the term index, never a check on every customer.
    const words = followed.searchWords ?? [];
    const rarest = words.length > 0 && !selectiveFilter(followed) ? await rarestWord(this.manager, brand, words, drivesBelow(words.length)) : undefined;
    // Every term of the rarest word would be checked against each other word: unbounded when even the rarest is common.
    if (rarest !== undefined && words.length > 1 && rarest.count >= drivesBelow(words.length)) {
      throw badUserInput(
        '`totalCount` is not available for this search: its words are each very common, and counting the customers that ' +
          'match them all would read most of the brand. Use longer or fewer words, or leave totalCount out.',
        'filter',
      );
    }
    return this.filtered(brand, followed, rarest?.index).getCount();
  }

  /**
   * The filter with merged ids among its `ids` replaced by their survivors
   * (one statement, only when the filter names ids), so a list by ids answers
   * with the survivor of a merged id, once however many of its ids are asked.
   */
  private async followAliases(brand: string, filter: CustomerQuery): Promise<CustomerQuery> {
    if (filter.ids === undefined || filter.ids.length === 0) return filter;
    const survivors = await new AliasRepository(this.manager).survivorsOf(brand, filter.ids);
    if (survivors.size === 0) return filter;
    return { ...filter, ids: [...new Set(filter.ids.map((id) => survivors.get(id) ?? id))] };
  }

  /** Inserts new customers, one statement per thousand or so; an external id another customer holds is a unique violation. */
  async insert(customers: CustomerEntity[]): Promise<void> {
    await insertRows(this.manager, CustomerEntity, customers);
    await this.searchTerms.insertForCustomers(customers);
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
    const allInserted = inserted === customers.length;
    // Only the rows that went in get terms (a kept row has its own already); which they are is read only when some did not.
    const written = allInserted ? customers : await this.existing(customers);
    await this.searchTerms.insertForCustomers(written);
    return { allInserted };
  }

  /** Those of these new rows that the database holds (by id). */
  private async existing(customers: CustomerEntity[]): Promise<CustomerEntity[]> {
    const rows = await readByKeys(
      customers.map((customer) => customer.id),
      (ids) =>
        this.manager
          .createQueryBuilder(CustomerEntity, ALIAS)
          .select(`${ALIAS}.id`, 'id')
          .where(`${ALIAS}.id IN (:...ids)`, { ids })
          .getRawMany<{ id: string }>(),
    );
    const present = new Set(rows.map((row) => row.id));
    return customers.filter((customer) => present.has(customer.id));
  }

  /**
   * Writes whole rows of existing customers (every column but id, brand and
   * created_at) in one statement: `INSERT … ON DUPLICATE KEY UPDATE` on MySQL,
   * `INSERT … ON CONFLICT (id) DO UPDATE` on SQLite. Every row must exist and
   * be locked by this transaction (read with `findByExternalIdsForUpdate` or
   * `findByIdForUpdate`), so the statement only ever takes its update branch.
   */
  async writeLocked(customers: CustomerEntity[], previous: ReadonlyMap<string, CustomerEntity> = new Map()): Promise<void> {
    await insertRows(this.manager, CustomerEntity, customers, { kind: 'overwrite', target: ['id'], fixed: ['id', 'brand', 'created_at'] });
    // Terms are rewritten only for rows whose searchable columns changed from `previous` (the rows as read under the lock).
    const before = (customer: CustomerEntity) => previous.get(customer.id);
    await this.searchTerms.replaceForCustomers(customers.filter((customer) => !before(customer) || searchableChanged(before(customer)!, customer)));
    // A row deleted or brought back: all its terms (its channels' too) follow, one statement per brand and new value.
    const moved = new Map<string, { brand: string; deletedAt: Date | null; ids: string[] }>();
    for (const customer of customers) {
      const earlier = before(customer);
      if (earlier && !deletedAtChanged(earlier, customer)) continue;
      const key = `${customer.brand}\u0000${customer.deletedAt?.toISOString() ?? ''}`;
      const group = moved.get(key) ?? { brand: customer.brand, deletedAt: customer.deletedAt, ids: [] };
      group.ids.push(customer.id);
      moved.set(key, group);
    }
    for (const { brand, deletedAt, ids } of moved.values()) await this.searchTerms.setDeletedAt(brand, ids, deletedAt);
  }

  /**
   * Writes `changes` only if the row still has `version` (optimistic concurrency:
   * TypeORM's save() does not check versions). Returns whether the row was written.
   * A write of the searchable columns or of `deletedAt` needs `previous`, the
   * row as this transaction read it under its lock: the terms carry its
   * `createdAt`, and are rewritten only when what they are made of changes.
   */
  async updateIfVersion(
    brand: string,
    id: string,
    version: number,
    changes: Partial<CustomerColumns>,
    previous?: CustomerEntity,
  ): Promise<boolean> {
    const searchable = SEARCHABLE_COLUMNS.filter((column) => column in changes);
    const writesDeletedAt = 'deletedAt' in changes;
    if ((searchable.length > 0 || writesDeletedAt) && previous === undefined) {
      throw new Error('updateIfVersion needs the locked row to write searchable columns or deletedAt');
    }
    // The terms are made of all of these columns together: a write of some of them would leave the others unknown here.
    if (searchable.length > 0 && searchable.length < SEARCHABLE_COLUMNS.length) {
      throw new Error('updateIfVersion writes the searchable columns all together or none');
    }
    const result = await this.manager
      .createQueryBuilder()
      .update(CustomerEntity)
      .set(changes as CustomerRow)
      .where('id = :id AND brand = :brand AND version = :version', { id, brand, version })
      .execute();
    const written = (result.affected ?? 0) === 1;
    if (!written || previous === undefined) return written;
    const after = { ...previous, ...changes, id, brand };
    if (searchable.length > 0 && searchableChanged(previous, after)) await this.searchTerms.replaceForCustomers([after]);
    if (deletedAtChanged(previous, after)) await this.searchTerms.setDeletedAt(brand, [id], after.deletedAt);
    return written;
  }

  /** Erasure: removes the row for good. Returns whether a row was deleted. */
  async delete(brand: string, id: string): Promise<boolean> {
    const result = await this.manager
      .createQueryBuilder()
      .delete()
      .from(CustomerEntity)
      .where('brand = :brand AND id = :id', { brand, id })
      .execute();
    await this.searchTerms.deleteByCustomer(brand, id);
    return (result.affected ?? 0) > 0;
  }

  private select(brand: string): SelectQueryBuilder<CustomerEntity> {
    return this.manager.createQueryBuilder(CustomerEntity, ALIAS).where(`${ALIAS}.brand = :brand`, { brand });
  }

  /** The filter as conditions on `customers`; `drivingWord` is the search word written for the planner to start from. */
  private filtered(brand: string, filter: CustomerQuery, drivingWord?: number): SelectQueryBuilder<CustomerEntity> {
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
    const words = (filter.searchWords ?? []).map((word, index): [SearchWord, string] => [word, `word${index}`]);
    const dialect = dialectOf(query);
    if (drivingWord !== undefined && words[drivingWord]) {
      const [word, name] = words[drivingWord]!;
      query.andWhere(...wordIn(`${ALIAS}.id`, word, name, words.filter((_, index) => index !== drivingWord), dialect));
    } else {
      for (const [word, name] of words) query.andWhere(...wordCheck(`${ALIAS}.id`, word, name, dialect));
    }
    return query;
  }
}

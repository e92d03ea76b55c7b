import { EntityManager, SelectQueryBuilder } from 'typeorm';
import { CustomerEventEntity } from '../entities/customer-event.entity';
import { insertRows } from '../multi-row-insert';
import { readEntities } from '../read-entities';

/** An event as a change writes it: not yet numbered. */
export type NewCustomerEvent = Omit<CustomerEventEntity, 'insertOrder' | 'sequence' | 'position'>;

/** A numbered event as the feed and relays read it. */
export type NumberedCustomerEvent = CustomerEventEntity & { sequence: number; position: number };

export interface CustomerEventQuery {
  customerId?: string;
  types?: string[];
  occurredAfter?: Date;
}

export interface EventNumbering {
  insertOrder: number;
  customerId: string;
  position: number;
  sequence: number;
}

/** Rows per multi-row statement: far below every dialect's limit on bound parameters. */
const CHUNK = 500;
const ALIAS = 'e';

/** Every SQL statement about `customer_events`, `customer_event_heads` and `event_cursors`. */
export class EventRepository {
  /** Events this repository's transaction inserted: the cue to number them after commit. */
  inserted = 0;

  constructor(private readonly manager: EntityManager) {}

  async insert(events: readonly NewCustomerEvent[]): Promise<void> {
    this.inserted += events.length;
    // insert_order is left to the database (NULL takes the next auto-increment value on both dialects).
    const rows = events.map((event) => ({ ...event, sequence: null, position: null }) as unknown as CustomerEventEntity);
    await insertRows(this.manager, CustomerEventEntity, rows);
  }

  /**
   * Reads a cursor's position and, on MySQL, locks its row until the transaction
   * ends: the sequencer's mutual exclusion across replicas. SQLite transactions
   * are serialised already.
   */
  async lockCursor(name: string): Promise<number | null> {
    const lock = this.isMysql() ? ' FOR UPDATE' : '';
    const rows: Array<{ position: unknown }> = await this.manager.query(`SELECT position FROM event_cursors WHERE name = ?${lock}`, [name]);
    return rows.length === 0 ? null : Number(rows[0]!.position);
  }

  async readCursor(name: string): Promise<number> {
    const rows: Array<{ position: unknown }> = await this.manager.query('SELECT position FROM event_cursors WHERE name = ?', [name]);
    return rows.length === 0 ? 0 : Number(rows[0]!.position);
  }

  /** Creates the cursor row when missing (a relay's first start), at position 0. */
  async ensureCursor(name: string): Promise<void> {
    await this.manager
      .createQueryBuilder()
      .insert()
      .into('event_cursors', ['name', 'position'])
      .values({ name, position: 0 })
      .orIgnore()
      .execute();
  }

  /** Moves a relay's cursor forward, only while `owner` holds its lease. */
  async advanceCursor(name: string, owner: string, position: number): Promise<void> {
    await this.manager.query('UPDATE event_cursors SET position = ? WHERE name = ? AND owner = ? AND position < ?', [position, name, owner, position]);
  }

  async setCursor(name: string, position: number): Promise<void> {
    await this.manager.query('UPDATE event_cursors SET position = ? WHERE name = ?', [position, name]);
  }

  /**
   * Takes or renews the lease on a cursor for `owner` until `until`; true when
   * `owner` holds it afterwards. A lease that lapsed (`lease_until` < now) may be
   * taken by anyone.
   */
  async acquireLease(name: string, owner: string, now: Date, until: Date): Promise<boolean> {
    const result = await this.manager
      .createQueryBuilder()
      .update('event_cursors')
      .set({ owner, lease_until: until })
      .where('name = :name AND (owner IS NULL OR owner = :owner OR lease_until < :now)', { name, owner, now })
      .execute();
    return (result.affected ?? 0) === 1;
  }

  async releaseLease(name: string, owner: string): Promise<void> {
    await this.manager.query('UPDATE event_cursors SET owner = NULL, lease_until = NULL WHERE name = ? AND owner = ?', [name, owner]);
  }

  /** Committed events not yet numbered, in insertion order. */
  async unnumbered(limit: number): Promise<Array<{ insertOrder: number; customerId: string }>> {
    const rows: Array<{ insert_order: unknown; customer_id: string }> = await this.manager.query(
      'SELECT insert_order, customer_id FROM customer_events WHERE position IS NULL ORDER BY insert_order LIMIT ?',
      [limit],
    );
    return rows.map((row) => ({ insertOrder: Number(row.insert_order), customerId: row.customer_id }));
  }

  /** The last sequence numbered for each of these customers (absent: none yet). */
  async heads(customerIds: readonly string[]): Promise<Map<string, number>> {
    const heads = new Map<string, number>();
    for (const chunk of chunks([...new Set(customerIds)])) {
      const rows: Array<{ customer_id: string; last_sequence: unknown }> = await this.manager.query(
        `SELECT customer_id, last_sequence FROM customer_event_heads WHERE customer_id IN (${chunk.map(() => '?').join(', ')})`,
        chunk,
      );
      for (const row of rows) heads.set(row.customer_id, Number(row.last_sequence));
    }
    return heads;
  }

  /** Writes positions and sequences, one statement per chunk, and moves each customer's head. */
  async number(numbering: readonly EventNumbering[]): Promise<void> {
    for (const chunk of chunks(numbering)) {
      // A join with the new numbers, not CASE insert_order WHEN … (which compares every row with every WHEN: quadratic).
      const parameters = chunk.flatMap((row) => [row.insertOrder, row.position, row.sequence]);
      if (this.isMysql()) {
        const numbers = chunk.map((_, index) => (index === 0 ? 'SELECT ? AS insert_order, ? AS position, ? AS sequence' : 'SELECT ?, ?, ?'));
        await this.manager.query(
          `UPDATE customer_events e JOIN (${numbers.join(' UNION ALL ')}) n ON e.insert_order = n.insert_order
           SET e.position = n.position, e.sequence = n.sequence`,
          parameters,
        );
      } else {
        await this.manager.query(
          `UPDATE customer_events SET position = n.column2, sequence = n.column3
           FROM (VALUES ${chunk.map(() => '(?, ?, ?)').join(', ')}) AS n WHERE customer_events.insert_order = n.column1`,
          parameters,
        );
      }
    }
    const heads = new Map<string, number>();
    for (const row of numbering) heads.set(row.customerId, Math.max(heads.get(row.customerId) ?? 0, row.sequence));
    for (const chunk of chunks([...heads])) {
      await this.manager
        .createQueryBuilder()
        .insert()
        .into('customer_event_heads', ['customer_id', 'last_sequence'])
        .values(chunk.map(([customer_id, last_sequence]) => ({ customer_id, last_sequence })))
        .orUpdate(['last_sequence'], ['customer_id'])
        .execute();
    }
  }

  /** One page of a brand's feed: numbered events after `afterPosition`, oldest first. */
  async feedPage(brand: string, query: CustomerEventQuery, afterPosition: number, limit: number): Promise<NumberedCustomerEvent[]> {
    const select = this.select().where(`${ALIAS}.brand = :brand`, { brand }).andWhere(`${ALIAS}.position > :afterPosition`, { afterPosition });
    if (query.customerId !== undefined) select.andWhere(`${ALIAS}.customerId = :customerId`, { customerId: query.customerId });
    if (query.types !== undefined) select.andWhere(`${ALIAS}.type IN (:...types)`, { types: query.types.length > 0 ? query.types : [''] });
    if (query.occurredAfter !== undefined) select.andWhere(`${ALIAS}.occurredAt > :occurredAfter`, { occurredAfter: query.occurredAfter });
    return numbered(await readEntities(select.orderBy(`${ALIAS}.position`, 'ASC').limit(limit)));
  }

  /** Numbered events of every brand after `afterPosition`, in feed order: what a relay publishes next. */
  async after(afterPosition: number, limit: number): Promise<NumberedCustomerEvent[]> {
    const select = this.select().where(`${ALIAS}.position > :afterPosition`, { afterPosition });
    return numbered(await readEntities(select.orderBy(`${ALIAS}.position`, 'ASC').limit(limit)));
  }

  /** Every event of one customer, numbered or not, oldest first (a data subject's export). */
  async byCustomer(brand: string, customerId: string): Promise<CustomerEventEntity[]> {
    const select = this.select().where(`${ALIAS}.brand = :brand AND ${ALIAS}.customerId = :customerId`, { brand, customerId });
    return readEntities(select.orderBy(`${ALIAS}.insertOrder`, 'ASC'));
  }

  /** How many events wait behind `position` (numbered or not), and when the oldest of them happened. */
  async backlog(position: number): Promise<{ size: number; oldest: Date | null }> {
    const waiting = () => this.select().where(`${ALIAS}.position IS NULL OR ${ALIAS}.position > :position`, { position });
    const size = await waiting().getCount();
    const [oldest] = size === 0 ? [] : await readEntities(waiting().orderBy(`${ALIAS}.insertOrder`, 'ASC').limit(1));
    return { size, oldest: oldest?.occurredAt ?? null };
  }

  async deleteByCustomer(brand: string, customerId: string): Promise<void> {
    await this.manager.query('DELETE FROM customer_events WHERE brand = ? AND customer_id = ?', [brand, customerId]);
  }

  /**
   * Removes up to `limit` events that happened before `cutoff` and lie at or
   * before `keepAfter` (published, where a relay runs); returns how many.
   */
  async deleteOlderThan(cutoff: Date, keepAfter: number, limit: number): Promise<number> {
    const expired = await this.select()
      .select(`${ALIAS}.insertOrder`, 'insertOrder')
      .where(`${ALIAS}.occurredAt < :cutoff AND ${ALIAS}.position <= :keepAfter`, { cutoff, keepAfter })
      .orderBy(`${ALIAS}.occurredAt`, 'ASC')
      .limit(limit)
      .getRawMany<{ insertOrder: unknown }>();
    if (expired.length === 0) return 0;
    const orders = expired.map((row) => Number(row.insertOrder));
    await this.manager.query(`DELETE FROM customer_events WHERE insert_order IN (${orders.map(() => '?').join(', ')})`, orders);
    return orders.length;
  }

  private select(): SelectQueryBuilder<CustomerEventEntity> {
    return this.manager.createQueryBuilder(CustomerEventEntity, ALIAS);
  }

  private isMysql(): boolean {
    return this.manager.connection.options.type === 'mysql';
  }
}

function numbered(events: CustomerEventEntity[]): NumberedCustomerEvent[] {
  return events.map((event) => ({
    ...event,
    insertOrder: Number(event.insertOrder),
    position: Number(event.position),
    sequence: Number(event.sequence),
  }));
}

function* chunks<T>(items: readonly T[]): Generator<T[]> {
  for (let start = 0; start < items.length; start += CHUNK) yield items.slice(start, start + CHUNK);
}

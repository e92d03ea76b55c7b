import { Database } from '../../data/database';
import { EventNumbering } from '../../data/repositories/event.repository';

export const SEQUENCER_CURSOR = 'sequencer';
const BATCH_SIZE = 1000;
/** Batches one catch-up numbers at most, so a huge backlog is worked off in bounded steps. */
const MAX_BATCHES_PER_CATCH_UP = 50;

/**
 * Numbers committed events: each gets the next feed `position` and the next
 * `sequence` of its customer.
 *
 * Why the feed never skips: an event is numbered only once its transaction has
 * committed (the sequencer cannot see it before), and numbering runs one batch
 * at a time — on MySQL every batch first locks the sequencer's cursor row, so
 * batches of several replicas queue behind each other; on SQLite every
 * transaction is serialised. A batch's positions all lie above every position
 * already committed and become visible together. So the numbered events a
 * reader can see always form a prefix of the final order: a position handed
 * out in a cursor is never followed by a smaller one.
 *
 * Why each customer's sequence is in commit order: every change to a customer
 * writes its event while holding the customer's row (locked or updated), so a
 * later event of one customer is inserted only after the earlier one
 * committed, and batches number in insertion order.
 */
export class EventSequencer {
  private queued: Promise<number> | null = null;
  private tail: Promise<unknown> = Promise.resolve();
  private readonly batchListeners = new Set<() => void>();

  constructor(private readonly database: Database) {}

  /**
   * Numbers every event committed before the call. Calls while a run is under
   * way share the next run (the current one may have started reading before
   * the caller's commit); runs never overlap within a process.
   */
  catchUp(): Promise<number> {
    if (this.queued) return this.queued;
    const run = this.tail.then(() => {
      this.queued = null;
      return this.drain();
    });
    this.queued = run;
    this.tail = run.catch(() => undefined);
    return run;
  }

  /**
   * Calls `listener` after every committed batch (a relay can publish it while
   * the next batch is numbered); returns the function that stops it.
   */
  onBatchNumbered(listener: () => void): () => void {
    this.batchListeners.add(listener);
    return () => this.batchListeners.delete(listener);
  }

  private async drain(): Promise<number> {
    let total = 0;
    for (let batch = 0; batch < MAX_BATCHES_PER_CATCH_UP; batch += 1) {
      const numbered = await this.numberBatch();
      if (numbered > 0) for (const listener of this.batchListeners) listener();
      total += numbered;
      if (numbered < BATCH_SIZE) break;
    }
    return total;
  }

  /** One transaction: numbers up to BATCH_SIZE unnumbered events; returns how many. */
  private numberBatch(): Promise<number> {
    return this.database.transaction(async ({ events }) => {
      const last = await events.lockCursor(SEQUENCER_CURSOR);
      if (last === null) throw new Error(`The ${SEQUENCER_CURSOR} cursor row is missing; migrations did not run`);
      const pending = await events.unnumbered(BATCH_SIZE);
      if (pending.length === 0) return 0;
      const heads = await events.heads(pending.map((event) => event.customerId));
      let position = last;
      const numbering: EventNumbering[] = pending.map(({ insertOrder, customerId }) => {
        const sequence = (heads.get(customerId) ?? 0) + 1;
        heads.set(customerId, sequence);
        position += 1;
        return { insertOrder, customerId, position, sequence };
      });
      await events.number(numbering);
      await events.setCursor(SEQUENCER_CURSOR, position);
      return pending.length;
    });
  }
}

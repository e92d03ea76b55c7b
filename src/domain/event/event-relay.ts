import { Database } from '../../data/database';
import { EventPublisher } from '../../data/events/event-publisher';

export interface EventRelayOptions {
  /** The relay's cursor row: one per broker. */
  name: string;
  /** This process, as lease holder. */
  owner: string;
  batchSize?: number;
  /** How long a lease lasts unless renewed; another replica takes over after it lapses. */
  leaseMs?: number;
  /** How long an idle relay waits for a wake-up before it looks again. */
  idleMs?: number;
  maxBackoffMs?: number;
  now?: () => Date;
  onError?: (error: unknown) => void;
  onPublished?: (count: number) => void;
}

const MIN_BACKOFF_MS = 100;

/**
 * Publishes numbered events, in feed order, from the database to a broker.
 *
 * At least once, in order: the relay's cursor (the last published position)
 * moves only after the broker stored a whole batch, so a crash or an outage
 * sends the rest again from there; events wait in the database meanwhile. With
 * several replicas, one lease holder publishes at a time; a replica that lost
 * its lease mid-batch may repeat a few events, which the broker absorbs by id.
 */
export class EventRelay {
  private stopped = false;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  /** A wake-up that came while the relay was busy: the next idle wait ends at once, so no event waits for the timer. */
  private wokenWhileBusy = false;
  private readonly batchSize: number;
  private readonly leaseMs: number;
  private readonly idleMs: number;
  private readonly maxBackoffMs: number;
  private readonly now: () => Date;

  constructor(
    private readonly database: Database,
    private readonly publisher: EventPublisher,
    private readonly options: EventRelayOptions,
  ) {
    this.batchSize = options.batchSize ?? 500;
    this.leaseMs = options.leaseMs ?? 10_000;
    this.idleMs = options.idleMs ?? 1_000;
    this.maxBackoffMs = options.maxBackoffMs ?? 5_000;
    this.now = options.now ?? (() => new Date());
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** New events may be there: look now instead of at the end of the idle wait. */
  wake(): void {
    if (this.wakeUp) this.wakeUp();
    else this.wokenWhileBusy = true;
  }

  /** Stops after the batch in flight and gives up the lease. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    await this.loop;
    await this.database
      .transaction(({ events }) => events.releaseLease(this.options.name, this.options.owner))
      .catch((error: unknown) => this.options.onError?.(error));
    await this.publisher.close();
  }

  /** The position of the last event the broker stored. */
  publishedPosition(): Promise<number> {
    return this.database.read.events.readCursor(this.options.name);
  }

  /** How many events the broker has not stored yet, and the age of the oldest of them. */
  async backlog(): Promise<{ size: number; oldest: Date | null }> {
    const events = this.database.read.events;
    return events.backlog(await events.readCursor(this.options.name));
  }

  private async run(): Promise<void> {
    let backoff = MIN_BACKOFF_MS;
    let ready = false;
    while (!this.stopped) {
      try {
        if (!ready) {
          await this.database.transaction(({ events }) => events.ensureCursor(this.options.name));
          ready = true;
        }
        const published = await this.publishNextBatch();
        backoff = MIN_BACKOFF_MS;
        if (published === 0) await this.idle(this.idleMs);
      } catch (error) {
        this.options.onError?.(error);
        await this.idle(backoff);
        backoff = Math.min(backoff * 2, this.maxBackoffMs);
      }
    }
  }

  /** One round: renew the lease, send the next batch, move the cursor. Returns how many were published. */
  private async publishNextBatch(): Promise<number> {
    const { name, owner } = this.options;
    const now = this.now();
    const leader = await this.database.transaction(({ events }) =>
      events.acquireLease(name, owner, now, new Date(now.getTime() + this.leaseMs)),
    );
    if (!leader) {
      await this.idle(this.leaseMs / 2);
      return -1;
    }
    const events = this.database.read.events;
    const batch = await events.after(await events.readCursor(name), this.batchSize);
    if (batch.length === 0) return 0;
    await this.publisher.publish(batch);
    await this.database.transaction((repositories) => repositories.events.advanceCursor(name, owner, batch[batch.length - 1]!.position));
    this.options.onPublished?.(batch.length);
    return batch.length;
  }

  private idle(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.wokenWhileBusy) {
      this.wokenWhileBusy = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = () => {
        this.wakeUp = null;
        done();
      };
    });
  }
}

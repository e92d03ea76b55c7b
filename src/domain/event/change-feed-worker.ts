import { AsyncResource } from 'node:async_hooks';
import { Database } from '../../data/database';
import { EventRelay } from './event-relay';
import { EventSequencer } from './event-sequencer';

export interface ChangeFeedWorkerOptions {
  database: Database;
  sequencer: EventSequencer;
  /** The broker relay, when one is configured. */
  relay: EventRelay | null;
  retentionDays: number;
  /** How often events committed by other replicas are looked for. */
  pollMs?: number;
  retentionIntervalMs?: number;
  now?: () => Date;
  onError: (error: unknown, task: string) => void;
}

/** Expired events removed per statement, so a large backlog of old events is removed in bounded steps. */
const RETENTION_BATCH = 1000;
const RETENTION_MAX_BATCHES = 100;

/**
 * The change feed's background work in one process: numbering events soon
 * after any commit (this process's commits wake it at once; other replicas'
 * are found by polling), waking the relay, and removing expired events.
 *
 * It runs outside every request's async context, so its SQL statements are
 * never counted as a request's.
 */
export class ChangeFeedWorker {
  private readonly detached = new AsyncResource('ChangeFeedWorker');
  private scheduled = false;
  private inFlight: Promise<void> = Promise.resolve();
  private timers: NodeJS.Timeout[] = [];
  private unsubscribe: (() => void) | null = null;
  private stopped = false;

  constructor(private readonly options: ChangeFeedWorkerOptions) {}

  start(): void {
    const relay = this.options.relay;
    const stopWaking = relay ? this.options.sequencer.onBatchNumbered(() => relay.wake()) : () => undefined;
    const stopScheduling = this.options.database.onEventsCommitted(() => this.schedule());
    this.unsubscribe = () => {
      stopScheduling();
      stopWaking();
    };
    this.timers.push(setInterval(() => this.schedule(), this.options.pollMs ?? 250).unref());
    const removeExpired = () =>
      this.detached.runInAsyncScope(() => {
        this.deleteExpired().catch((error: unknown) => this.options.onError(error, 'retention'));
      });
    removeExpired();
    this.timers.push(setInterval(removeExpired, this.options.retentionIntervalMs ?? 60 * 60 * 1000).unref());
    this.options.relay?.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    for (const timer of this.timers) clearInterval(timer);
    await this.inFlight;
    await this.options.relay?.stop();
  }

  /** Removes events older than the retention period (and, with a relay, already published); returns how many. */
  async deleteExpired(): Promise<number> {
    const now = this.options.now?.() ?? new Date();
    const cutoff = new Date(now.getTime() - this.options.retentionDays * 24 * 60 * 60 * 1000);
    const relay = this.options.relay;
    const keepAfter = relay ? await relay.publishedPosition() : Number.MAX_SAFE_INTEGER;
    let removed = 0;
    for (let batch = 0; batch < RETENTION_MAX_BATCHES; batch += 1) {
      const count = await this.options.database.transaction(({ events }) => events.deleteOlderThan(cutoff, keepAfter, RETENTION_BATCH));
      removed += count;
      if (count < RETENTION_BATCH) break;
    }
    return removed;
  }

  /** Numbers new events soon, once however many commits ask for it meanwhile. */
  private schedule(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    this.detached.runInAsyncScope(() =>
      setImmediate(() => {
        this.scheduled = false;
        this.inFlight = this.options.sequencer
          .catchUp()
          .then(() => undefined)
          .catch((error: unknown) => this.options.onError(error, 'sequencer'));
      }),
    );
  }
}

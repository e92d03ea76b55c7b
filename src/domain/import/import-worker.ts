import { AsyncResource } from 'node:async_hooks';
import { CustomerImportEntity } from '../../data/entities/customer-import.entity';
import { CustomerImportErrorEntity } from '../../data/entities/customer-import-error.entity';
import { ChunkProgress } from '../../data/repositories/import.repository';
import { Database } from '../../data/database';
import { CustomerImportStatus, RECEIVING_STATUS } from '../../core/import-status';
import { CustomerService } from '../customer/customer.service';
import { UpsertCustomerFields } from '../customer/customer-inputs';
import { RowError, rowErrorOf, rowInput } from './customer-csv';

/** Statuses a worker may take an import in: waiting, or left RUNNING by a process whose lease lapsed. */
const CLAIMABLE = [CustomerImportStatus.QUEUED, CustomerImportStatus.RUNNING];
/** Failures of one chunk, with the database answering, after which its import is given up as FAILED. */
const MAX_CHUNK_ATTEMPTS = 3;
/** An upload still RECEIVING after this long belongs to a request that died with its process. */
const ABANDONED_UPLOAD_MS = 60 * 60 * 1000;
/** Longest message of an import error, as stored. */
const MESSAGE_MAX_LENGTH = 500;
const COLUMN_MAX_LENGTH = 255;

export interface ImportWorkerOptions {
  database: Database;
  customers: CustomerService;
  /** This process's name in leases; unique among the replicas. */
  owner: string;
  leaseMs: number;
  pollMs: number;
  /** Chunks of one import applied side by side (each in its own transaction). */
  chunksInFlight: number;
  now?: () => Date;
  onError: (error: unknown, importId: string | null) => void;
  /** After each applied chunk, with the import's counters as committed. */
  onChunk?: (job: CustomerImportEntity) => void;
}

/** The import's lease passed to another process, or the import moved on: this worker's chunk must not be applied. */
class LeaseLost extends Error {
  constructor() {
    super('the import lease was lost');
  }
}

/**
 * Applies queued imports in the background, one chunk per transaction.
 *
 * Exactly once: a chunk's upserts, its counters, its errors and the removal
 * of its rows commit together, and that transaction checks, under the import
 * row's lock, that this process still holds the lease and that the chunk's
 * rows were still there to remove. A worker that restarts (or a replica
 * taking over a lapsed lease) applies the chunks left; a worker whose lease
 * lapsed mid-chunk rolls back. Among replicas the lease (an UPDATE that only
 * one of them can match) makes one of them work on an import at a time.
 *
 * Runs outside every request's async context, so its statements are never a
 * request's.
 */
export class ImportWorker {
  private readonly detached = new AsyncResource('ImportWorker');
  private readonly now: () => Date;
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private readonly attempts = new Map<string, number>();

  constructor(private readonly options: ImportWorkerOptions) {
    this.now = options.now ?? (() => new Date());
  }

  start(): void {
    this.timer = setInterval(() => this.wake(), this.options.pollMs).unref();
    this.wake();
  }

  /** Looks for work now (a new import was queued); runs once more if a pass is under way. */
  wake(): void {
    if (this.stopped) return;
    if (this.inFlight) {
      this.again = true;
      return;
    }
    this.detached.runInAsyncScope(() => {
      this.inFlight = this.pass()
        .catch((error: unknown) => this.options.onError(error, null))
        .finally(() => {
          this.inFlight = null;
          if (this.again) {
            this.again = false;
            this.wake();
          }
        });
    });
  }

  /** Ends the background work after the chunk in flight, and gives up the lease so another replica resumes at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.inFlight;
  }

  /**
   * Runs one import to its end in this process (the command line's path): works
   * on it whenever its lease is free, else waits for whoever holds it. Resolves
   * with the import as it finished.
   */
  async runToEnd(id: string): Promise<CustomerImportEntity> {
    for (;;) {
      const job = await this.options.database.read.imports.findAny(id);
      if (job === null) throw new Error(`Import ${id} does not exist`);
      if (job.status === CustomerImportStatus.SUCCEEDED || job.status === CustomerImportStatus.FAILED) return job;
      // Someone else's lease, or a failed chunk: look again after a pause.
      if (!((await this.claim(id)) && (await this.work(id)))) await sleep(this.options.pollMs);
    }
  }

  /** One look for work: removes abandoned uploads, then takes the oldest claimable import and works on it. */
  private async pass(): Promise<void> {
    const { database } = this.options;
    const abandoned = await database.read.imports.abandonedUploads(
      RECEIVING_STATUS,
      new Date(this.now().getTime() - ABANDONED_UPLOAD_MS),
      10,
    );
    for (const id of abandoned) await database.transaction((repositories) => repositories.imports.deleteImport(id));
    while (!this.stopped) {
      const candidates = await database.read.imports.claimable(CLAIMABLE, this.options.owner, this.now(), 10);
      let claimed: string | null = null;
      for (const id of candidates) {
        if (await this.claim(id)) {
          claimed = id;
          break;
        }
      }
      if (claimed === null) return;
      // After a failure the next try waits for the next pass (IMPORT_POLL_MS), not a hot loop against a failing database.
      if (!(await this.work(claimed))) return;
    }
  }

  private async claim(id: string): Promise<boolean> {
    const now = this.now();
    const until = new Date(now.getTime() + this.options.leaseMs);
    return this.options.database.transaction((repositories) =>
      repositories.imports.acquireLease(id, CLAIMABLE, this.options.owner, now, until, CustomerImportStatus.RUNNING),
    );
  }

  /**
   * Applies the import's remaining chunks in chunk order while this process
   * holds its lease, up to `chunksInFlight` at a time: a chunk starts beside
   * the ones in flight only when none of them holds one of its external ids,
   * so rows about one customer still apply in file order. False when a chunk
   * failed (the import is to be tried again later).
   */
  private async work(id: string): Promise<boolean> {
    const { database, owner } = this.options;
    const inFlight = new Map<number, { externalIds: Set<string>; done: Promise<void> }>();
    let failure: unknown = null;
    const settle = async (limit: number) => {
      while (inFlight.size > limit) await Promise.race([...inFlight.values()].map((chunk) => chunk.done));
    };
    try {
      const job = await database.read.imports.findAny(id);
      if (job === null || job.leasedBy !== owner || job.status !== CustomerImportStatus.RUNNING) return true;
      const externalIdColumn = job.columns.indexOf('externalId');
      let last = -1;
      while (!this.stopped && failure === null) {
        // A turn of the event loop between chunks: better-sqlite3 answers synchronously, so without it a whole import
        // could run in microtasks, with requests (and SIGTERM) waiting until it ends.
        await new Promise<void>((resolve) => setImmediate(resolve));
        const chunk = await database.read.imports.nextChunk(id, last);
        if (chunk === null) break;
        last = chunk.chunkNo;
        const externalIds = new Set(chunk.rows.map((cells) => cells[externalIdColumn] ?? ''));
        await settle(this.options.chunksInFlight - 1);
        for (const [, other] of inFlight) if ([...externalIds].some((externalId) => other.externalIds.has(externalId))) await other.done;
        if (failure !== null) break;
        const done = this.applyChunk(job, chunk.chunkNo, chunk.firstRow, chunk.rows)
          .catch((error: unknown) => {
            failure ??= error;
          })
          .finally(() => inFlight.delete(chunk.chunkNo));
        inFlight.set(chunk.chunkNo, { externalIds, done });
      }
      await settle(0);
      if (failure !== null) throw failure;
      if (this.stopped) return true;
      const current = await database.read.imports.findAny(id);
      if (current === null || current.leasedBy !== owner) return true;
      if (current.chunksApplied < current.chunkCount) {
        await this.finish(
          id,
          CustomerImportStatus.FAILED,
          `Only ${current.chunksApplied} of ${current.chunkCount} chunks were found to apply.`,
        );
        return true;
      }
      await this.finish(id, CustomerImportStatus.SUCCEEDED, null);
      this.attempts.delete(id);
      return true;
    } catch (error) {
      await settle(0);
      if (error instanceof LeaseLost) return true;
      await this.failedOnce(id, error);
      return false;
    } finally {
      if (this.stopped) await this.release(id);
    }
  }

  private async applyChunk(job: CustomerImportEntity, chunkNo: number, firstRow: number, rows: string[][]): Promise<void> {
    const refused: RowError[] = [];
    const inputs: UpsertCustomerFields[] = [];
    const rowOfInput: number[] = [];
    rows.forEach((cells, index) => {
      const row = firstRow + index;
      const input = rowInput(job.columns, cells, row);
      if ('code' in input) refused.push(input);
      else {
        inputs.push(input);
        rowOfInput.push(row);
      }
    });
    await this.options.customers.upsertChunk(job.brand, inputs, async (repositories, results) => {
      // The import row's lock orders the chunks' commits; under it the lease is checked and the counters are added.
      const locked = await repositories.imports.lockById(job.id);
      if (locked === null || locked.leasedBy !== this.options.owner || locked.status !== CustomerImportStatus.RUNNING) {
        throw new LeaseLost();
      }
      const errors = [...refused];
      const progress: ChunkProgress = { rowsProcessed: rows.length, created: 0, updated: 0, failed: refused.length, errors: 0 };
      results.forEach((result, index) => {
        if (result.userErrors.length > 0) {
          progress.failed += 1;
          for (const error of result.userErrors) errors.push(rowErrorOf(error, rowOfInput[index]!));
        } else if (result.created) progress.created += 1;
        else progress.updated += 1;
      });
      errors.sort((a, b) => a.row - b.row);
      progress.errors = errors.length;
      const entities: CustomerImportErrorEntity[] = errors.map((error, index) => ({
        importId: job.id,
        errorNo: locked.errorCount + index + 1,
        row: error.row,
        column: error.column === null ? null : error.column.slice(0, COLUMN_MAX_LENGTH),
        code: error.code,
        message: error.message.slice(0, MESSAGE_MAX_LENGTH),
      }));
      const leaseUntil = new Date(this.now().getTime() + this.options.leaseMs);
      // Rows already gone: another process applied this chunk after our lease lapsed; ours rolls back.
      if (!(await repositories.imports.recordChunk(locked, chunkNo, progress, entities, leaseUntil))) throw new LeaseLost();
    });
    const after = await this.options.database.read.imports.findAny(job.id);
    if (after) this.options.onChunk?.(after);
  }

  private async release(id: string): Promise<void> {
    await this.options.database
      .transaction((repositories) => repositories.imports.releaseLease(id, this.options.owner))
      .catch((error: unknown) => this.options.onError(error, id));
  }

  private async finish(id: string, status: CustomerImportStatus, failure: string | null): Promise<void> {
    const { owner } = this.options;
    await this.options.database.transaction(async (repositories) => {
      const locked = await repositories.imports.lockById(id);
      if (locked === null || locked.leasedBy !== owner) return;
      await repositories.imports.finish(id, status, this.now(), failure === null ? null : failure.slice(0, MESSAGE_MAX_LENGTH));
    });
  }

  /**
   * A chunk failed. While the database does not answer, the import keeps its
   * lease and this worker tries again on its next pass; a chunk that fails MAX_CHUNK_ATTEMPTS times with the
   * database answering fails its import.
   */
  private async failedOnce(id: string, error: unknown): Promise<void> {
    this.options.onError(error, id);
    if (!(await this.options.database.ping())) return;
    const attempts = (this.attempts.get(id) ?? 0) + 1;
    this.attempts.set(id, attempts);
    if (attempts < MAX_CHUNK_ATTEMPTS) {
      // Given up for now, so that the next pass (here or on another replica) tries again without waiting for the lease to lapse.
      await this.release(id);
      return;
    }
    this.attempts.delete(id);
    const reason = error instanceof Error ? error.message : String(error);
    await this.finish(id, CustomerImportStatus.FAILED, `A chunk failed ${attempts} times: ${reason}`).catch((cause: unknown) =>
      this.options.onError(cause, id),
    );
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

import { DataSource, EntityManager } from 'typeorm';

const RETRYABLE_MYSQL_ERRORS = new Set(['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT']);
const MAX_ATTEMPTS = 3;

/**
 * Runs units of work in a database transaction.
 *
 * SQLite (better-sqlite3) has one connection that TypeORM shares between all
 * query runners, so two interleaved transactions would nest into each other;
 * transactions are therefore queued one after another.
 *
 * MySQL transactions run at READ COMMITTED: writers serialise on row locks
 * (`SELECT … FOR UPDATE`, the duplicate-key lock of an insert), never on a
 * snapshot. Under REPEATABLE READ a locking read of an absent key takes a gap
 * lock, and two requests inserting that key (two upserts of one new
 * externalId, two claims of one idempotency key) each wait for the other's gap
 * lock: a deadlock on every race. Reads after a lock wait also see what the
 * other writer committed. A transaction chosen as a deadlock victim all the
 * same is retried from the start; this is the only retry of a write.
 */
export class TransactionRunner {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly serialise: boolean;

  constructor(private readonly dataSource: DataSource) {
    this.serialise = dataSource.options.type !== 'mysql';
  }

  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (!this.serialise) return this.runWithRetry(work);
    const result = this.tail.then(() => this.runImmediate(work));
    this.tail = result.catch(() => undefined);
    return result;
  }

  /**
   * SQLite: `BEGIN IMMEDIATE` takes the write lock at the start, so when another
   * process (a seed run, say) holds it, the busy timeout waits for it. A
   * deferred transaction that reads first cannot wait: upgrading its read lock
   * fails at once with SQLITE_BUSY.
   */
  private async runImmediate<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    try {
      await runner.query('BEGIN IMMEDIATE');
      try {
        const result = await work(runner.manager);
        await runner.query('COMMIT');
        return result;
      } catch (error) {
        await runner.query('ROLLBACK');
        throw error;
      }
    } finally {
      await runner.release();
    }
  }

  private async runWithRetry<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.dataSource.transaction('READ COMMITTED', work);
      } catch (error) {
        if (attempt >= MAX_ATTEMPTS || !RETRYABLE_MYSQL_ERRORS.has(driverErrorCode(error) ?? '')) throw error;
      }
    }
  }
}

/** The driver's symbolic error code (mysql2's `code`, better-sqlite3's `code`), when there is one. */
export function driverErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const candidate = error as { code?: unknown; driverError?: { code?: unknown } };
  const code = candidate.driverError?.code ?? candidate.code;
  return typeof code === 'string' ? code : undefined;
}

/** True when a write failed on a unique index (MySQL ER_DUP_ENTRY, SQLite SQLITE_CONSTRAINT_UNIQUE/PRIMARYKEY). */
export function isUniqueViolation(error: unknown): boolean {
  const code = driverErrorCode(error);
  return code === 'ER_DUP_ENTRY' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

import { AbstractLogger, LogLevel, LogMessage, QueryRunner } from 'typeorm';
import { Logger } from '../core/logging/logger';
import { driverErrorCode } from './transaction-runner';

/** Receives each statement as sent and the values bound to it (listeners that only count may ignore them). */
export type StatementListener = (sql: string, parameters: readonly unknown[]) => void;
/** Returns the error that refuses the statement, or null to let it run. */
export type StatementVeto = (sql: string, inTransaction: boolean) => Error | null;

/**
 * TypeORM's logger for this service: every SQL statement is passed to the
 * registered listeners (statement counting in tests and metrics) and logged at
 * trace level; TypeORM's own warnings and errors go to the service log.
 */
export class SqlStatementLog extends AbstractLogger {
  private readonly listeners = new Set<StatementListener>();
  private readonly vetoes = new Set<StatementVeto>();

  constructor(private readonly serviceLog: Logger) {
    super(['query', 'error', 'warn', 'migration']);
  }

  /** Calls `listener` with every statement from now on; returns the function that stops it. */
  subscribe(listener: StatementListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Refuses statements for which `veto` returns an error. TypeORM calls
   * `logQuery` inside the statement's promise right before it sends it, so
   * the error rejects that statement unsent. `inTransaction` tells whether the
   * statement belongs to an open transaction, which must be let finish.
   */
  refuseWhen(veto: StatementVeto): void {
    this.vetoes.add(veto);
  }

  override logQuery(query: string, parameters?: unknown[], queryRunner?: QueryRunner): void {
    const inTransaction = queryRunner?.isTransactionActive ?? false;
    for (const veto of this.vetoes) {
      const refusal = veto(query, inTransaction);
      if (refusal) throw refusal;
    }
    for (const listener of this.listeners) listener(query, parameters ?? []);
    super.logQuery(query, parameters, queryRunner);
  }

  /**
   * A failed statement is logged as written, with its error's code only: driver
   * errors quote the values bound to it (mysql2's `sql` has them inlined, and
   * "Duplicate entry 'a@b.example' for key …"), and those may be personal data.
   */
  override logQueryError(error: string | Error, query: string): void {
    this.serviceLog.debug({ sql: query, code: driverErrorCode(error) ?? null }, 'sql failed');
  }

  protected override writeLog(level: LogLevel, logMessage: LogMessage | LogMessage[]): void {
    for (const message of Array.isArray(logMessage) ? logMessage : [logMessage]) {
      switch (message.type ?? level) {
        case 'query':
          this.serviceLog.trace({ sql: message.message }, 'sql');
          break;
        case 'error':
        case 'query-error':
          this.serviceLog.debug({ err: message.message }, 'database error');
          break;
        case 'warn':
        case 'query-slow':
          this.serviceLog.warn({ detail: message.message }, 'database warning');
          break;
        default:
          this.serviceLog.info({ detail: message.message }, 'database');
      }
    }
  }
}

import { AbstractLogger, LogLevel, LogMessage, QueryRunner } from 'typeorm';
import { Logger } from '../logging/logger';
import { driverErrorCode } from '../repositories/transaction-runner';

export type StatementListener = (sql: string) => void;

/**
 * TypeORM's logger for this service: every SQL statement is passed to the
 * registered listeners (statement counting in tests and metrics) and logged at
 * trace level; TypeORM's own warnings and errors go to the service log.
 */
export class SqlStatementLog extends AbstractLogger {
  private readonly listeners = new Set<StatementListener>();

  constructor(private readonly serviceLog: Logger) {
    super(['query', 'error', 'warn', 'migration']);
  }

  /** Calls `listener` with every statement from now on; returns the function that stops it. */
  subscribe(listener: StatementListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  override logQuery(query: string, parameters?: unknown[], queryRunner?: QueryRunner): void {
    for (const listener of this.listeners) listener(query);
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

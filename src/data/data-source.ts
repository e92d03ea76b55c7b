import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataSource, Logger, LoggerOptions } from 'typeorm';
import { DatabaseConfig } from '../core/config';
import { CustomerActivityEntity } from './entities/customer-activity.entity';
import { CustomerChannelEntity } from './entities/customer-channel.entity';
import { CustomerEntity } from './entities/customer.entity';
import { CustomerFlagEntity } from './entities/customer-flag.entity';
import { IdempotencyKeyEntity } from './entities/idempotency-key.entity';
import { CustomerEventEntity } from './entities/customer-event.entity';
import { CustomerSearchTermEntity } from './entities/customer-search-term.entity';
import { CustomerAliasEntity } from './entities/customer-alias.entity';
import { CustomerImportEntity } from './entities/customer-import.entity';
import { CustomerImportChunkEntity } from './entities/customer-import-chunk.entity';
import { CustomerImportErrorEntity } from './entities/customer-import-error.entity';
import { migrations } from './migrations';
import { mysqlDriverWithSessionSetup } from './mysql-session';

export const entities = [
  CustomerEntity,
  CustomerChannelEntity,
  CustomerFlagEntity,
  CustomerActivityEntity,
  IdempotencyKeyEntity,
  CustomerEventEntity,
  CustomerSearchTermEntity,
  CustomerAliasEntity,
  CustomerImportEntity,
  CustomerImportChunkEntity,
  CustomerImportErrorEntity,
];

export interface DataSourceOptions {
  /** Receives every SQL statement; used for statement counting and metrics. */
  logger?: Logger;
  /** MySQL/MariaDB: SQL run on every new pooled connection before anything else (the statement time limit). */
  mysqlSessionSql?: string;
  /** MySQL/MariaDB: connections in the pool (default 10). */
  poolSize?: number;
  /** MySQL/MariaDB: what to do when that SQL fails on a connection. */
  onSessionSetupError?: (error: Error) => void;
}

export function createDataSource(config: DatabaseConfig, options: DataSourceOptions = {}): DataSource {
  const common = {
    entities,
    migrations,
    synchronize: false,
    migrationsRun: false,
    logger: options.logger,
    logging: options.logger ? (['query', 'error'] as LoggerOptions) : false,
  };
  if (config.dialect === 'sqlite') {
    if (config.path !== ':memory:') mkdirSync(dirname(config.path), { recursive: true });
    return new DataSource({
      ...common,
      type: 'better-sqlite3',
      database: config.path,
      // WAL lets readers proceed during a write; the busy timeout waits for a lock instead of failing.
      prepareDatabase: (db: { pragma(source: string): unknown }) => {
        db.pragma('journal_mode = WAL');
        db.pragma('busy_timeout = 5000');
        db.pragma('foreign_keys = ON');
      },
    });
  }
  return new DataSource({
    ...common,
    type: 'mysql',
    host: config.host,
    port: config.port,
    username: config.user,
    password: config.password,
    database: config.database,
    charset: 'utf8mb4_unicode_ci',
    timezone: 'Z',
    poolSize: options.poolSize ?? 10,
    // A dead or unreachable server fails a request within seconds instead of hanging it.
    connectTimeout: 3000,
    extra: { connectionLimit: options.poolSize ?? 10, enableKeepAlive: true, maxIdle: options.poolSize ?? 10, idleTimeout: 60_000 },
    ...(options.mysqlSessionSql
      ? { driver: mysqlDriverWithSessionSetup(options.mysqlSessionSql, options.onSessionSetupError ?? (() => undefined)) }
      : {}),
  });
}

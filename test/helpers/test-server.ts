import { appendFileSync } from 'node:fs';
import { basename } from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig } from '../../src/core/config';
import { createLogger } from '../../src/core/logging/logger';
import { currentTrace } from '../../src/core/request-trace';
import { RunningServer, startServer } from '../../src/server';
import { MYSQL_AVAILABLE_ENV, onTestServer, serverUrl } from './mysql-server';
import { MYSQL_RUN_MARKER } from './run-marker';

declare const TEST_DIALECT: 'sqlite' | 'mysql';

/** The database this test file runs against, set per jest project. */
export const dialect: 'sqlite' | 'mysql' = TEST_DIALECT;

/** `describe` for tests that need a database; the MySQL half skips when no server answers (see global setup). */
export const describeDb: jest.Describe = dialect === 'mysql' && process.env[MYSQL_AVAILABLE_ENV] !== '1' ? describe.skip : describe;

export interface GraphQLResponse<T> {
  data?: T;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
}

export interface TestServer {
  server: RunningServer;
  /** POSTs one operation to the running server. */
  graphql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<GraphQLResponse<T>>;
  /** Runs `work` and reports the SQL statements the server issued meanwhile for requests. */
  countStatements<T>(work: () => Promise<T>): Promise<{ result: T; count: number; statements: string[] }>;
  /** The DATABASE_URL it runs on (another test server may share it). */
  databaseUrl: string;
  /** Runs raw SQL on the test database (for seeding and for checking what was written). */
  sql<T = Record<string, unknown>>(query: string, parameters?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

let databaseSequence = 0;

export interface TestServerOptions {
  /** Where the server's log lines go (JSON, one per line); by default standard output. Set LOG_LEVEL in `env` too: it defaults to silent. */
  logDestination?: Writable;
  /** Run on this database (another test server's) instead of a fresh one; it is left for its owner to drop. */
  databaseUrl?: string;
  /** The database to start on; by default the project's. The MySQL project starts a SQLite server beside it to compare answers. */
  dialect?: 'sqlite' | 'mysql';
  /** Serve the GraphiQL bundle from here (see test/helpers/explorer.ts) instead of dist/graphiql. */
  explorerBundleDir?: string;
}

/** Starts the real server on a free port, on a fresh database of the project's dialect. */
export async function startTestServer(env: Record<string, string> = {}, options: TestServerOptions = {}): Promise<TestServer> {
  let databaseUrl = 'sqlite::memory:';
  let dropDatabase: (() => Promise<void>) | undefined;
  if (options.databaseUrl !== undefined) {
    databaseUrl = options.databaseUrl;
  } else if ((options.dialect ?? dialect) === 'mysql') {
    const name = `customer_test_${process.pid}_${++databaseSequence}_${Date.now() % 100000}`;
    await onTestServer([`DROP DATABASE IF EXISTS ${name}`, `CREATE DATABASE ${name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`]);
    databaseUrl = serverUrl(name);
    dropDatabase = () => onTestServer([`DROP DATABASE IF EXISTS ${name}`]);
    appendFileSync(MYSQL_RUN_MARKER, `${basename(expect.getState().testPath ?? 'unknown')}\n`);
  }
  // The change feed's idle poll is off, so tests that wait for a quiet server see one; commits still wake it.
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    PORT: '0',
    DATABASE_URL: databaseUrl,
    EVENTS_POLL_MS: '600000',
    ...env,
  });
  const server = await startServer(config, createLogger(config.logLevel, options.logDestination), {
    explorerBundleDir: options.explorerBundleDir,
  });

  return {
    server,
    databaseUrl,
    async graphql<T>(query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
      const response = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as GraphQLResponse<T>;
    },
    async countStatements<T>(work: () => Promise<T>) {
      const statements: string[] = [];
      // Requests' statements only: the change feed's background work runs outside every request.
      const stop = server.statementLog.subscribe((sql) => {
        if (currentTrace()) statements.push(sql);
      });
      try {
        const result = await work();
        return { result, count: statements.length, statements };
      } finally {
        stop();
      }
    },
    async sql<T>(query: string, parameters: unknown[] = []) {
      return (await server.dataSource.query(query, parameters)) as T[];
    },
    async close() {
      await server.stop();
      await dropDatabase?.();
    },
  };
}

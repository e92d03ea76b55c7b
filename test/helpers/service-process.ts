import { ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { onTestServer, serverUrl } from './mysql-server';
import { MYSQL_RUN_MARKER } from './run-marker';

export const ROOT = join(__dirname, '..', '..');
/** The little of better-sqlite3 these helpers use (the package ships no types). */
interface SqliteDatabase {
  prepare(sql: string): { reader: boolean; all(...parameters: unknown[]): unknown[]; run(...parameters: unknown[]): unknown };
  close(): void;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports -- an untyped CommonJS package, typed by the interface above
const Sqlite = require('better-sqlite3') as new (path: string, options: { timeout: number }) => SqliteDatabase;

const STARTUP_LINE = /^Customer subgraph ready at http:\/\/localhost:(\d+)\/graphql$/m;

/** The server as a child process of its own (`src/main.ts`, compiled on the fly by swc), so a test can kill it. */
export interface ServiceProcess {
  child: ChildProcess;
  port: number;
  url: string;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** A spawned server process: its output so far and its exit. */
export type SpawnedService = Pick<ServiceProcess, 'child' | 'output' | 'exited'>;

/**
 * Spawns the server: `node [nodeOptions] <entry>` in the project's root with only PATH and `env` (on a test's
 * defaults: NODE_ENV test, LOG_LEVEL warn, a free port). `src/main.ts` is compiled on the fly by swc;
 * `dist/main.js` is the built server.
 */
export function spawnService(env: Record<string, string>, entry = 'src/main.ts', nodeOptions: string[] = []): SpawnedService {
  const compile = entry.endsWith('.ts') ? ['-r', './test/helpers/swc-register.js'] : [];
  const child = spawn(process.execPath, [...nodeOptions, ...compile, entry], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', LOG_LEVEL: 'warn', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => output, exited };
}

/** Starts the server (see `spawnService`) and resolves once it prints its start-up line, within `timeoutMs`. */
export async function startServiceProcess(
  env: Record<string, string>,
  nodeOptions: string[] = [],
  entry = 'src/main.ts',
  timeoutMs = 60_000,
): Promise<ServiceProcess> {
  const spawned = spawnService(env, entry, nodeOptions);
  let gone = false;
  void spawned.exited.then(() => (gone = true));
  const deadline = Date.now() + timeoutMs;
  while (!STARTUP_LINE.test(spawned.output())) {
    if (gone || Date.now() > deadline) {
      spawned.child.kill('SIGKILL');
      throw new Error(`the service did not start within ${timeoutMs / 1000} s:\n${spawned.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const port = Number(STARTUP_LINE.exec(spawned.output())![1]);
  return { ...spawned, port, url: `http://127.0.0.1:${port}/graphql` };
}

/** A database of the project's dialect that child processes can share: a SQLite file, or a MySQL database of its own. */
export interface SharedDatabase {
  url: string;
  sql<T = Record<string, unknown>>(query: string, parameters?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

export async function createSharedDatabase(dialect: 'sqlite' | 'mysql', label: string): Promise<SharedDatabase> {
  if (dialect === 'mysql') {
    const name = `customer_${label}_${process.pid}_${Date.now() % 100000}`;
    await onTestServer([`DROP DATABASE IF EXISTS ${name}`, `CREATE DATABASE ${name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`]);
    appendFileSync(MYSQL_RUN_MARKER, `${basename(expect.getState().testPath ?? 'unknown')}\n`);
    const url = serverUrl(name);
    return {
      url,
      async sql<T>(query: string, parameters: unknown[] = []) {
        const connection = await createConnection({ uri: url });
        try {
          const [rows] = await connection.query(query, parameters);
          return rows as T[];
        } finally {
          await connection.end();
        }
      },
      drop: () => onTestServer([`DROP DATABASE IF EXISTS ${name}`]),
    };
  }
  const directory = mkdtempSync(join(tmpdir(), `customer-${label}-`));
  const path = join(directory, 'customers.sqlite');
  return {
    url: `sqlite:${path}`,
    async sql<T>(query: string, parameters: unknown[] = []) {
      const database = new Sqlite(path, { timeout: 10_000 });
      try {
        const statement = database.prepare(query);
        return (statement.reader ? statement.all(...parameters) : [statement.run(...parameters)]) as T[];
      } finally {
        database.close();
      }
    },
    drop: async () => rmSync(directory, { recursive: true, force: true }),
  };
}

/** Polls until `check` holds, or fails after `timeoutMs`. */
export async function until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000, everyMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

import { ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { createConnection } from 'mysql2/promise';

const run = promisify(execFile);

/** Small enough to start in a second or two; innodb_flush_log_at_trx_commit stays at its durable default (1). */
const SERVER_FLAGS = ['--innodb-buffer-pool-size=32M', '--innodb-log-file-size=8M', '--skip-name-resolve', '--skip-log-bin'];

/**
 * A MariaDB server of the test's own, on a temporary data directory and a free
 * port, that the test may kill and restart at will without disturbing the
 * shared test server. Root has no password and may connect over TCP.
 */
export class PrivateMariaDb {
  private child: ChildProcess | undefined;
  private readonly killOnExit = () => this.child?.kill('SIGKILL');

  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  /** Whether the MariaDB binaries are installed here. */
  static async available(): Promise<boolean> {
    // Only looked up on PATH: mariadb-install-db run without a --datadir would inspect the system's own data directory.
    const onPath = (name: string) => (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, name)));
    if (!onPath('mariadb-install-db') || !onPath('mariadbd')) return false;
    try {
      await run('mariadbd', ['--version'], { timeout: 10_000 });
      return true;
    } catch {
      return false;
    }
  }

  /** Creates the data directory (about 5 s) and starts the server on it. */
  static async create(): Promise<PrivateMariaDb> {
    const dir = mkdtempSync(join(tmpdir(), 'customer-private-mariadb-'));
    const server = new PrivateMariaDb(dir, await freePort());
    try {
      await run(
        'mariadb-install-db',
        [
          '--no-defaults',
          '--auth-root-authentication-method=normal',
          `--datadir=${server.dataDir}`,
          `--user=${userInfo().username}`,
          '--skip-test-db',
          ...SERVER_FLAGS,
        ],
        { timeout: 60_000 },
      );
      await server.start();
      return server;
    } catch (error) {
      await server.destroy();
      throw error;
    }
  }

  get dataDir(): string {
    return join(this.dir, 'data');
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  url(database?: string): string {
    return `mysql://root@127.0.0.1:${this.port}/${database ?? ''}`;
  }

  /** Starts the server on the existing data directory and resolves once it answers a query. */
  async start(timeoutMs = 30_000): Promise<void> {
    if (this.child) throw new Error('the private MariaDB is already running');
    const child = spawn(
      'mariadbd',
      [
        '--no-defaults',
        `--datadir=${this.dataDir}`,
        `--port=${this.port}`,
        `--socket=${join(this.dir, 'mysqld.sock')}`,
        `--pid-file=${join(this.dir, 'mysqld.pid')}`,
        `--log-error=${join(this.dir, 'error.log')}`,
        '--bind-address=127.0.0.1',
        `--user=${userInfo().username}`,
        ...SERVER_FLAGS,
      ],
      { stdio: 'ignore' },
    );
    this.child = child;
    process.once('exit', this.killOnExit);
    let exited = false;
    child.once('exit', () => {
      exited = true;
    });
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (exited) throw new Error(`mariadbd exited at start; its log:\n${this.errorLog()}`);
      try {
        await this.query(['SELECT 1']);
        return;
      } catch (error) {
        if (Date.now() > deadline) {
          throw new Error(`mariadbd did not answer within ${timeoutMs} ms; its log:\n${this.errorLog()}`, { cause: error });
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }

  /** Kills the server with SIGKILL (a crash: no clean shutdown) and waits until the process is gone. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    process.removeListener('exit', this.killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    }
  }

  /** Kills the server and removes its data directory. Safe to call more than once. */
  async destroy(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Runs `statements` one after another on a fresh connection (outside any database unless one is given). */
  async query<T = unknown>(statements: string[], database?: string): Promise<T[]> {
    const connection = await createConnection({ uri: this.url(database), connectTimeout: 1000 });
    try {
      const results: T[] = [];
      for (const statement of statements) {
        const [rows] = await connection.query(statement);
        results.push(rows as T);
      }
      return results;
    } finally {
      connection.destroy();
    }
  }

  private errorLog(): string {
    try {
      return readFileSync(join(this.dir, 'error.log'), 'utf8').split('\n').slice(-20).join('\n');
    } catch {
      return '(no log)';
    }
  }
}

/** A TCP port that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

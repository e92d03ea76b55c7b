/**
 * `npm run bench:events` (MariaDB, a private nats-server): what do change events cost, and how fast do they
 * reach NATS JetStream?
 *
 * - publish lag: commit (the event's occurredAt, taken in the transaction) → message received by a NATS
 *   subscriber, p50/p99, while updateCustomer runs at BENCH_EVENTS_RATE writes/s;
 * - relay catch-up: a backlog of BENCH_EVENTS_BACKLOG unpublished events, numbered and published from a
 *   cold start (goal ≥ 10,000 events/s);
 * - updateCustomer throughput with publishing to NATS on against off, in the same run (goal ≥ 0.8). The
 *   outbox row itself is written either way: the contract requires every change to have its event.
 */
import 'reflect-metadata';
import { ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect as connectSocket, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { createConnection } from 'mysql2/promise';
import { loadConfig } from '../src/core/config';
import { createLogger } from '../src/core/logging/logger';
import { RunningServer, startServer } from '../src/server';
import { createDatabaseIfMissing, mysqlSettings, positiveInteger } from './bench-settings';
import { percentile } from './statistics';

const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/customer_bench_events';
const RATE = positiveInteger('BENCH_EVENTS_RATE', 200);
const LAG_SECONDS = positiveInteger('BENCH_EVENTS_LAG_SECONDS', 10);
const BACKLOG = positiveInteger('BENCH_EVENTS_BACKLOG', 100_000);
const THROUGHPUT_SECONDS = positiveInteger('BENCH_EVENTS_THROUGHPUT_SECONDS', 10);
const CONCURRENCY = positiveInteger('BENCH_EVENTS_CONCURRENCY', 16);
const CUSTOMERS = 200;
const BRAND = 'default';

const UPDATE = 'mutation ($input: UpdateCustomerInput!) { updateCustomer(input: $input) { customer { version } userErrors { code } } }';

interface Figure {
  name: string;
  value: number;
  unit: string;
  baseline?: number;
  ratio?: number;
  goal?: string;
  met?: boolean;
}

async function main(): Promise<void> {
  const database = mysqlSettings(DATABASE_URL);
  await recreateDatabase(database);
  const nats = await PrivateNats.start();
  try {
    const figures: Figure[] = [];
    const ids = await seedCustomers();
    const off = await throughput(await serve({}), ids, 'off');
    const on = await throughput(await serve({ EVENTS_NATS_URL: nats.url }), ids, 'on');
    figures.push({ name: 'updateCustomer, NATS off', value: off, unit: 'writes/s' });
    figures.push({
      name: 'updateCustomer, NATS on',
      value: on,
      unit: 'writes/s',
      baseline: off,
      ratio: on / off,
      goal: '≥ 0.8',
      met: on / off >= 0.8,
    });
    const lag = await publishLag(nats.url, ids);
    figures.push({ name: `publish lag p50 at ${RATE} writes/s`, value: lag.p50, unit: 'ms' });
    figures.push({ name: `publish lag p99 at ${RATE} writes/s`, value: lag.p99, unit: 'ms' });
    const catchUp = await relayCatchUp(database);
    figures.push({ name: `relay catch-up, ${BACKLOG} events`, value: catchUp, unit: 'events/s', goal: '≥ 10000', met: catchUp >= 10_000 });
    report(figures);
  } finally {
    await nats.stop();
  }

  async function serve(env: Record<string, string>): Promise<RunningServer> {
    const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', PORT: '0', DATABASE_URL, ...env });
    return startServer(config, createLogger(config.logLevel));
  }

  async function seedCustomers(): Promise<string[]> {
    const server = await serve({});
    try {
      const inputs = Array.from({ length: CUSTOMERS }, (_, index) => ({
        externalId: `bench-${index}`,
        givenName: 'Bench',
        familyName: 'Events',
      }));
      const { results } = await server.services.customers.upsertMany(BRAND, inputs);
      return results.map((result) => result.customer!.id);
    } finally {
      await server.stop();
    }
  }
}

/** updateCustomer at CONCURRENCY for THROUGHPUT_SECONDS over HTTP; writes per second. */
async function throughput(server: RunningServer, ids: string[], label: string): Promise<number> {
  try {
    let done = 0;
    let round = 0;
    const deadline = Date.now() + THROUGHPUT_SECONDS * 1000;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async (_, worker) => {
        while (Date.now() < deadline) {
          const id = ids[(worker + CONCURRENCY * round++) % ids.length]!;
          await graphql(server.url, UPDATE, { input: { id, metadata: { label, round } } });
          done += 1;
        }
      }),
    );
    return done / ((Date.now() - started) / 1000);
  } finally {
    await server.stop();
  }
}

/** Open-loop writes at RATE/s while a NATS subscriber timestamps every message. */
async function publishLag(natsUrl: string, ids: string[]): Promise<{ p50: number; p99: number }> {
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', PORT: '0', DATABASE_URL, EVENTS_NATS_URL: natsUrl });
  const server = await startServer(config, createLogger(config.logLevel));
  const nc = await connect({ servers: natsUrl });
  const lags: number[] = [];
  try {
    const subscription = nc.subscribe(`customers.${BRAND}.updated`);
    const listening = (async () => {
      for await (const message of subscription) {
        const event = message.json<{ occurredAt: string }>();
        lags.push(Date.now() - Date.parse(event.occurredAt));
      }
    })();
    await nc.flush();
    const total = RATE * LAG_SECONDS;
    const writes: Promise<unknown>[] = [];
    const started = Date.now();
    for (let index = 0; index < total; index += 1) {
      const due = started + (index * 1000) / RATE;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      writes.push(graphql(server.url, UPDATE, { input: { id: ids[index % ids.length], metadata: { lag: index } } }));
    }
    await Promise.all(writes);
    const deadline = Date.now() + 30_000;
    while (lags.length < total && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    subscription.unsubscribe();
    await listening;
  } finally {
    await nc.close();
    await server.stop();
  }
  lags.sort((a, b) => a - b);
  return { p50: percentile(lags, 0.5), p99: percentile(lags, 0.99) };
}

/** Writes BACKLOG unpublished events straight into the outbox, then times a cold relay working them off. */
async function relayCatchUp(database: ReturnType<typeof mysqlSettings>): Promise<number> {
  const connection = await createConnection({ ...database, connectTimeout: 3000 });
  try {
    await connection.query('DELETE FROM customer_events');
    await connection.query("DELETE FROM event_cursors WHERE name <> 'sequencer'");
    const now = new Date();
    for (let start = 0; start < BACKLOG; start += 5000) {
      const rows = Array.from({ length: Math.min(5000, BACKLOG - start) }, (_, index) => {
        const n = start + index;
        return [
          `evt_BENCH${String(n).padStart(21, '0')}`,
          BRAND,
          `cus_BENCH${String(n % 1000).padStart(21, '0')}`,
          'UPDATED',
          now,
          '["metadata"]',
          '{}',
        ];
      });
      await connection.query('INSERT INTO customer_events (id, brand, customer_id, type, occurred_at, changed_fields, data) VALUES ?', [
        rows,
      ]);
    }
  } finally {
    await connection.end();
  }
  const nats = await PrivateNats.start();
  try {
    const started = Date.now();
    const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', PORT: '0', DATABASE_URL, EVENTS_NATS_URL: nats.url });
    const server = await startServer(config, createLogger(config.logLevel));
    try {
      const deadline = Date.now() + 600_000;
      // Cheap checks (two cursor rows, one index probe), so that watching does not slow the relay down: done when
      // every event is numbered and the relay's cursor has reached the sequencer's.
      const caughtUp = async () => {
        const [cursors, unnumbered] = await Promise.all([
          server.dataSource.query("SELECT name, position FROM event_cursors WHERE name IN ('sequencer', 'nats:CUSTOMERS')"),
          server.dataSource.query('SELECT 1 FROM customer_events WHERE position IS NULL LIMIT 1'),
        ]);
        const position = (name: string) =>
          Number((cursors as Array<{ name: string; position: unknown }>).find((row) => row.name === name)?.position ?? -1);
        return (unnumbered as unknown[]).length === 0 && position('nats:CUSTOMERS') === position('sequencer');
      };
      while (Date.now() < deadline && !(await caughtUp())) await new Promise((resolve) => setTimeout(resolve, 50));
      return BACKLOG / ((Date.now() - started) / 1000);
    } finally {
      await server.stop();
    }
  } finally {
    await nats.stop();
  }
}

async function graphql(url: string, query: string, variables: Record<string, unknown>): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { errors?: unknown[] };
  if (body.errors) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
}

async function recreateDatabase(database: ReturnType<typeof mysqlSettings>): Promise<void> {
  const connection = await createConnection({ host: database.host, port: database.port, user: database.user, password: database.password });
  try {
    await connection.query(`DROP DATABASE IF EXISTS \`${database.database}\``);
  } finally {
    await connection.end();
  }
  await createDatabaseIfMissing(database);
}

function report(figures: Figure[]): void {
  console.table(
    figures.map(({ name, value, unit, ratio, goal, met }) => ({
      figure: name,
      value: Math.round(value * 10) / 10,
      unit,
      ratio: ratio?.toFixed(2) ?? '',
      goal: goal ?? '',
      met: met === undefined ? '' : met ? 'yes' : 'NO',
    })),
  );
  mkdirSync(join('test-results', 'bench'), { recursive: true });
  writeFileSync(join('test-results', 'bench', 'events.json'), `${JSON.stringify(figures, null, 2)}\n`);
}

/** A nats-server with JetStream on a temporary store and a free port, for this run only. */
class PrivateNats {
  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
    readonly url: string,
  ) {}

  static async start(): Promise<PrivateNats> {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'customer-bench-nats-'));
    const child = spawn(process.env.NATS_SERVER_BIN ?? 'nats-server', ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir], {
      stdio: 'ignore',
    });
    const deadline = Date.now() + 15_000;
    while (!(await answers(port))) {
      if (Date.now() > deadline) throw new Error('the benchmark nats-server did not start');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return new PrivateNats(child, dir, `nats://127.0.0.1:${port}`);
  }

  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connectSocket({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

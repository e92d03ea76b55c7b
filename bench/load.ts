/**
 * `npm run bench:load`: throughput and latency of the built server under
 * concurrent load, on MySQL/MariaDB holding BENCH_CUSTOMERS customers (seeded
 * when there are fewer; one in ten also gets channels, flags and activities).
 *
 * The server runs as a child process (`node dist/main.js`, the production
 * entry point, NODE_ENV=production with HS256 tokens), so the load generator
 * (autocannon, in this process) does not share its event loop. Three scenarios,
 * BENCH_DURATION seconds each at BENCH_CONNECTIONS connections:
 *   a) customer(id) for random ids
 *   b) customers(first: 50) with channels, flags and activities
 *   c) _entities with 100 representations of existing ids
 * BENCH_SCENARIOS=b runs a subset; BENCH_CPU_PROF=<dir> writes the server's
 * CPU profile (node --cpu-prof) into <dir> when it stops.
 */
import 'reflect-metadata';
import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { Presets, SingleBar } from 'cli-progress';
import { SignJWT } from 'jose';
import { createDataSource } from '../src/data/data-source';
import { CustomerActivityEntity } from '../src/data/entities/customer-activity.entity';
import { CustomerChannelEntity } from '../src/data/entities/customer-channel.entity';
import { CustomerFlagEntity } from '../src/data/entities/customer-flag.entity';
import { Database } from '../src/data/database';
import { seedCustomers } from '../src/scripts/seed-customers';
import { newActivityId, newChannelId } from '../src/core/customer-ids';
import { ActivityOrigin } from '../src/core/activity-origin';
import { ChannelType } from '../src/core/channel-type';
import { createDatabaseIfMissing, mysqlSettings, positiveInteger } from './bench-settings';
import { printMarkdownTable } from './statistics';

const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/customer_bench_load';
const CUSTOMERS = positiveInteger('BENCH_CUSTOMERS', 100_000);
const DURATION_SECONDS = positiveInteger('BENCH_DURATION', 10);
const CONNECTIONS = positiveInteger('BENCH_CONNECTIONS', 20);
const SCENARIOS = (process.env.BENCH_SCENARIOS ?? 'abc').toLowerCase();
const CPU_PROFILE_DIR = process.env.BENCH_CPU_PROF;
/** Every tenth customer gets channels, flags and activities, so nested fields return data. */
const NESTED_EVERY = 10;
const NESTED_BATCH = 500;
/** Random ids for scenarios a and c are drawn from this many existing customers. */
const ID_SAMPLE = 20_000;
const REPRESENTATIONS = 100;
const BRAND = 'default';
const WRITABLE_FLAGS = ['vip', 'do_not_contact', 'needs_assistance', 'fraud_suspected'];
const EXTERNAL_ACTIVITY_TYPES = ['order.placed', 'ticket.opened', 'newsletter.opened'];
const SERVER_ENTRY = resolve(__dirname, '../../main.js');

async function seedTo(database: Database, wanted: number): Promise<void> {
  const present = await database.read.customers.count(BRAND, { includeDeleted: false });
  if (present >= wanted) {
    console.log(`Database holds ${present} customers of brand "${BRAND}"; no seeding needed.`);
    return;
  }
  const missing = wanted - present;
  console.log(`Database holds ${present} customers; seeding ${missing} more.`);
  const bar = new SingleBar({ format: '{bar} {percentage}% | {value}/{total} customers | ETA {eta_formatted}' }, Presets.shades_classic);
  bar.start(missing, 0);
  const result = await seedCustomers(database, { count: missing, brand: BRAND, onProgress: (inserted) => bar.update(inserted) });
  bar.stop();
  console.log(`Seeded ${result.inserted} customers in ${result.seconds.toFixed(1)} s.`);
}

interface SeededRow {
  id: string;
  created_at: Date;
  email_address: string | null;
  phone_number: string | null;
}

/** Gives every NESTED_EVERY-th customer (by id) that has no channels yet two channels, one to three flags and three activities. */
async function seedNested(database: Database): Promise<void> {
  const rows = await database.dataSource.query<SeededRow[]>(
    `SELECT c.id, c.created_at, c.email_address, c.phone_number FROM customers c
     WHERE c.brand = ? AND c.deleted_at IS NULL
       AND NOT EXISTS (SELECT 1 FROM customer_channels ch WHERE ch.customer_id = c.id)
     ORDER BY c.id`,
    [BRAND],
  );
  const [{ withNested }] = await database.dataSource.query<Array<{ withNested: number | string }>>(
    'SELECT COUNT(DISTINCT customer_id) AS withNested FROM customer_channels WHERE brand = ?',
    [BRAND],
  );
  const total = Number(withNested) + rows.length;
  const wanted = Math.floor(total / NESTED_EVERY) - Number(withNested);
  if (wanted <= 0) {
    console.log(`${withNested} customers have channels, flags and activities; no nested seeding needed.`);
    return;
  }
  const chosen = rows.filter((_, index) => index % NESTED_EVERY === 0).slice(0, wanted);
  console.log(`Giving ${chosen.length} customers channels, flags and activities.`);
  const now = Date.now();
  for (let start = 0; start < chosen.length; start += NESTED_BATCH) {
    const batch = chosen.slice(start, start + NESTED_BATCH);
    const channels: CustomerChannelEntity[] = [];
    const flags: CustomerFlagEntity[] = [];
    const activities: CustomerActivityEntity[] = [];
    batch.forEach((row, offset) => {
      const n = start + offset;
      const at = new Date(now - (chosen.length - n) * 1000);
      channels.push(
        {
          id: newChannelId(at),
          customerId: row.id,
          brand: BRAND,
          type: ChannelType.EMAIL,
          value: row.email_address ?? `bench.${n}@example.com`,
          createdAt: at,
        },
        row.phone_number
          ? { id: newChannelId(at), customerId: row.id, brand: BRAND, type: ChannelType.TELEPHONE, value: row.phone_number, createdAt: at }
          : { id: newChannelId(at), customerId: row.id, brand: BRAND, type: ChannelType.OTHER, value: `bench-${n}`, createdAt: at },
      );
      for (let f = 0; f <= n % 3; f += 1) {
        flags.push({ customerId: row.id, name: WRITABLE_FLAGS[(n + f) % WRITABLE_FLAGS.length]!, brand: BRAND, addedAt: at });
      }
      EXTERNAL_ACTIVITY_TYPES.forEach((type, index) => {
        const occurredAt = new Date(at.getTime() + index);
        activities.push({
          id: newActivityId(occurredAt),
          customerId: row.id,
          brand: BRAND,
          type,
          origin: ActivityOrigin.EXTERNAL,
          message: null,
          initiatedBy: 'bench',
          sourceUrl: null,
          data: { n },
          occurredAt,
          recordedAt: occurredAt,
        });
      });
    });
    await database.transaction(async (repositories) => {
      // Live customers only (see the query above): their terms carry their creation time and no deletion.
      await repositories.channels.insert(channels, new Map(batch.map((row) => [row.id, { createdAt: row.created_at, deletedAt: null }])));
      await repositories.flags.insert(flags);
      await repositories.activities.insert(activities);
    });
  }
}

interface ChildServer {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `node dist/main.js` and waits for its ready line. */
async function startChildServer(env: Record<string, string>): Promise<ChildServer> {
  if (!existsSync(SERVER_ENTRY)) throw new Error(`${SERVER_ENTRY} is missing: run npm run build first (npm run bench:load does).`);
  const execArgv = CPU_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROFILE_DIR}`] : [];
  const child = spawn(process.execPath, [...execArgv, SERVER_ENTRY], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit');
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error('the server did not report ready within 60 s')), 60_000);
    void exited.then(([code]) => reject(new Error(`the server exited with code ${String(code)} before it was ready`)));
    lines.on('line', (line) => {
      const match = /ready at (http:\/\/\S+)/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[1]!);
      } else {
        console.log(`[server] ${line}`);
      }
    });
  });
  return {
    url,
    child,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

interface Scenario {
  key: string;
  label: string;
  body: () => string;
  /** True when a response lacks a customer it should hold (every id asked for exists). */
  missing: (body: string) => boolean;
}

function scenarios(ids: string[]): Scenario[] {
  const randomId = () => ids[Math.floor(Math.random() * ids.length)]!;
  const all: Scenario[] = [
    {
      key: 'a',
      label: 'a) customer(id), random ids',
      body: () =>
        JSON.stringify({
          operationName: 'BenchCustomer',
          query: `query BenchCustomer($id: ID!) { customer(id: $id) { id name emailAddress phoneNumber languageCode metadata createdAt version } }`,
          variables: { id: randomId() },
        }),
      missing: (body) => body.includes('"customer":null'),
    },
    {
      key: 'b',
      label: 'b) customers(first: 50), nested',
      body: () =>
        JSON.stringify({
          operationName: 'BenchCustomers',
          query: `query BenchCustomers {
            customers(first: 50) {
              nodes {
                id name emailAddress
                channels { type value }
                flags(first: 5) { nodes { name } }
                activities(first: 3) { nodes { type } }
              }
              pageInfo { hasNextPage endCursor }
            }
          }`,
        }),
      missing: (body) => body.includes('"customers":{"nodes":[]'),
    },
    {
      key: 'c',
      label: `c) _entities, ${REPRESENTATIONS} representations`,
      body: () =>
        JSON.stringify({
          operationName: 'BenchEntities',
          query: `query BenchEntities($representations: [_Any!]!) {
            _entities(representations: $representations) { ... on Customer { id name emailAddress } }
          }`,
          variables: { representations: Array.from({ length: REPRESENTATIONS }, () => ({ __typename: 'Customer', id: randomId() })) },
        }),
      missing: (body) => /[[,]null[,\]]/.test(body),
    },
  ];
  return all.filter((scenario) => SCENARIOS.includes(scenario.key));
}

interface Row {
  scenario: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  graphqlErrors: number;
  total: number;
}

async function run(url: string, token: string, scenario: Scenario): Promise<Row> {
  let graphqlErrors = 0;
  let missingData = 0;
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: DURATION_SECONDS,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    requests: [
      {
        setupRequest: (request) => ({ ...request, body: scenario.body() }),
        onResponse: (status, body) => {
          if (status !== 200) return;
          if (body.includes('"errors":')) graphqlErrors += 1;
          // Random ids are existing ones: a null customer or entity means the scenario measured the wrong thing.
          if (scenario.missing(body)) missingData += 1;
        },
      },
    ],
  });
  if (missingData > 0) console.warn(`${scenario.label}: ${missingData} responses held null data`);
  return {
    scenario: scenario.label,
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    graphqlErrors,
    total: result.requests.total,
  };
}

function printTable(rows: Row[]): void {
  const header = ['scenario', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'GraphQL errors', 'requests'];
  const lines = rows.map((row) => [
    row.scenario,
    row.requestsPerSecond.toFixed(1),
    row.p50.toFixed(1),
    row.p99.toFixed(1),
    String(row.non2xx),
    String(row.graphqlErrors),
    String(row.total),
  ]);
  console.log(
    `\n${CONNECTIONS} connections, ${DURATION_SECONDS} s per scenario, server: node dist/main.js (child process, NODE_ENV=production)`,
  );
  printMarkdownTable(header, lines, true);
}

async function main(): Promise<void> {
  const settings = mysqlSettings(DATABASE_URL);
  await createDatabaseIfMissing(settings);
  const dataSource = createDataSource(settings);
  await dataSource.initialize();
  let ids: string[];
  try {
    await dataSource.runMigrations({ transaction: 'each' });
    const database = new Database(dataSource);
    await seedTo(database, CUSTOMERS);
    await seedNested(database);
    const rows = await dataSource.query<Array<{ id: string }>>(
      'SELECT id FROM customers WHERE brand = ? AND deleted_at IS NULL ORDER BY RAND() LIMIT ?',
      [BRAND, ID_SAMPLE],
    );
    ids = rows.map((row) => row.id);
  } finally {
    await dataSource.destroy();
  }

  const secret = randomBytes(32).toString('hex');
  const token = await new SignJWT({ brand: BRAND, scope: 'customer:read' })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setExpirationTime('2h')
    .sign(new TextEncoder().encode(secret));
  const server = await startChildServer({
    NODE_ENV: 'production',
    AUTH_JWT_SECRET: secret,
    CURSOR_SECRET: randomBytes(32).toString('hex'),
    DATABASE_URL,
    PORT: '0',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
  });
  const results: Row[] = [];
  try {
    console.log(`Load benchmark against ${server.url} (${settings.host}:${settings.port}/${settings.database})`);
    for (const scenario of scenarios(ids)) {
      // A short warm-up, so the first seconds of JIT and pool growth do not count.
      await autocannon({
        url: server.url,
        connections: CONNECTIONS,
        duration: 2,
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        requests: [{ setupRequest: (request) => ({ ...request, body: scenario.body() }) }],
      });
      process.stdout.write(`Running ${scenario.label}…\n`);
      results.push(await run(server.url, token, scenario));
    }
  } finally {
    await server.stop();
  }
  printTable(results);
  if (CPU_PROFILE_DIR) console.log(`\nServer CPU profile written to ${CPU_PROFILE_DIR}`);
}

main().catch((error: unknown) => {
  console.error('Benchmark failed:', error instanceof Error ? error.message : error);
  process.exit(1);
});

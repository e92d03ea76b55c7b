/**
 * `npm run bench:deep-page`: does a page deep in a large table cost about what
 * the first page costs (API.md, Pagination)? Seeds BENCH_ROWS customers into
 * BENCH_DATABASE_URL when it holds fewer, starts the real server, and times
 * `customers(first: 50)` at the start and after 95% of the rows, per order.
 */
import 'reflect-metadata';
import { Presets, SingleBar } from 'cli-progress';
import { loadConfig } from '../src/core/config';
import { createLogger } from '../src/core/logging/logger';
import { seedCustomers } from '../src/scripts/seed-customers';
import { RunningServer, startServer } from '../src/server';
import { createDatabaseIfMissing, mysqlSettings, positiveInteger } from './bench-settings';

const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/customer_bench';
const ROWS = positiveInteger('BENCH_ROWS', 200_000);
const REPETITIONS = positiveInteger('BENCH_REPETITIONS', 30);
const WARM_UP = 3;
const DEEP_FRACTION = 0.95;
const PAGE_SIZE = 50;
const WALK_PAGE_SIZE = 1000;
const GOAL_RATIO = 1.2;
/** Requests without a token act as this brand outside production. */
const BRAND = 'default';

interface Order {
  label: string;
  orderBy: { field: string; direction: 'ASC' | 'DESC' } | null;
}

const ORDERS: readonly Order[] = [
  { label: 'default (CREATED_AT ASC)', orderBy: null },
  { label: 'FAMILY_NAME ASC', orderBy: { field: 'FAMILY_NAME', direction: 'ASC' } },
  { label: 'EMAIL_ADDRESS DESC', orderBy: { field: 'EMAIL_ADDRESS', direction: 'DESC' } },
];

const PAGE_QUERY = `query Page($first: Int!, $after: String, $orderBy: CustomerOrder) {
  customers(first: $first, after: $after, orderBy: $orderBy) {
    nodes { id name emailAddress phoneNumber languageCode createdAt }
    pageInfo { hasNextPage endCursor }
  }
}`;

interface PageResult {
  nodes: unknown[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

async function fillTo(server: RunningServer, rows: number): Promise<number> {
  const present = await server.database.read.customers.count(BRAND, { includeDeleted: false });
  if (present >= rows) {
    console.log(`Database holds ${present} customers of brand "${BRAND}"; no seeding needed.`);
    return present;
  }
  const missing = rows - present;
  console.log(`Database holds ${present} customers; seeding ${missing} more.`);
  const bar = new SingleBar({ format: '{bar} {percentage}% | {value}/{total} customers | ETA {eta_formatted}' }, Presets.shades_classic);
  bar.start(missing, 0);
  const result = await seedCustomers(server.database, { count: missing, brand: BRAND, onProgress: (inserted) => bar.update(inserted) });
  bar.stop();
  console.log(
    `Seeded ${result.inserted} customers in ${result.seconds.toFixed(1)} s (${Math.round(result.inserted / result.seconds)} rows/s).`,
  );
  return present + result.inserted;
}

async function page(server: RunningServer, order: Order, first: number, after: string | null): Promise<PageResult> {
  const response = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: PAGE_QUERY, variables: { first, after, orderBy: order.orderBy } }),
  });
  const body = (await response.json()) as { data?: { customers: PageResult }; errors?: Array<{ message: string }> };
  if (!body.data || body.errors) throw new Error(`customers query failed: ${JSON.stringify(body.errors ?? body)}`);
  return body.data.customers;
}

/** Walks forward `rows` rows in big pages (not timed) and returns the cursor that follows them. */
async function cursorAfter(server: RunningServer, order: Order, rows: number): Promise<string> {
  let after: string | null = null;
  for (let walked = 0; walked < rows;) {
    const size = Math.min(WALK_PAGE_SIZE, rows - walked);
    const result: PageResult = await page(server, order, size, after);
    if (result.nodes.length !== size || result.pageInfo.endCursor === null) {
      throw new Error(`walk for ${order.label} ended after ${walked + result.nodes.length} rows, expected ${rows}`);
    }
    after = result.pageInfo.endCursor;
    walked += size;
  }
  if (after === null) throw new Error('nothing to walk');
  return after;
}

async function timed(server: RunningServer, order: Order, after: string | null): Promise<number> {
  const started = process.hrtime.bigint();
  const result = await page(server, order, PAGE_SIZE, after);
  const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.nodes.length !== PAGE_SIZE) throw new Error(`expected ${PAGE_SIZE} rows for ${order.label}, got ${result.nodes.length}`);
  return elapsed;
}

function percentile(samples: number[], fraction: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))]!;
}

interface Row {
  order: string;
  firstMedian: number;
  firstP95: number;
  deepMedian: number;
  deepP95: number;
  ratio: number;
}

async function measure(server: RunningServer, order: Order, deepRow: number): Promise<Row> {
  const deepCursor = await cursorAfter(server, order, deepRow);
  for (let index = 0; index < WARM_UP; index += 1) {
    await timed(server, order, null);
    await timed(server, order, deepCursor);
  }
  const first: number[] = [];
  const deep: number[] = [];
  // Interleaved, so a slow moment of the machine hits both series alike.
  for (let index = 0; index < REPETITIONS; index += 1) {
    first.push(await timed(server, order, null));
    deep.push(await timed(server, order, deepCursor));
  }
  const firstMedian = percentile(first, 0.5);
  const deepMedian = percentile(deep, 0.5);
  return {
    order: order.label,
    firstMedian,
    firstP95: percentile(first, 0.95),
    deepMedian,
    deepP95: percentile(deep, 0.95),
    ratio: deepMedian / firstMedian,
  };
}

function printTable(rows: Row[], deepRow: number): void {
  const header = ['order', 'first p50 ms', 'first p95 ms', `deep p50 ms`, 'deep p95 ms', 'deep/first', `goal ≤ ${GOAL_RATIO}`];
  const lines = rows.map((row) => [
    row.order,
    row.firstMedian.toFixed(2),
    row.firstP95.toFixed(2),
    row.deepMedian.toFixed(2),
    row.deepP95.toFixed(2),
    row.ratio.toFixed(2),
    row.ratio <= GOAL_RATIO ? 'met' : 'MISSED',
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column]!.length)));
  const format = (cells: string[]): string => `| ${cells.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ')} |`;
  console.log(`\ncustomers(first: ${PAGE_SIZE}): first page vs. the page after row ${deepRow}, ${REPETITIONS} runs each (HTTP round trip)`);
  console.log(format(header));
  console.log(`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`);
  for (const line of lines) console.log(format(line));
}

async function main(): Promise<void> {
  await createDatabaseIfMissing(mysqlSettings(DATABASE_URL));
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', PORT: '0', DATABASE_URL });
  const server = await startServer(config, createLogger(config.logLevel));
  try {
    const where =
      config.database.dialect === 'mysql'
        ? `${config.database.host}:${config.database.port}/${config.database.database}`
        : config.database.path;
    console.log(`Deep-page benchmark on ${config.database.dialect} ${where}`);
    const total = await fillTo(server, ROWS);
    const deepRow = Math.floor(total * DEEP_FRACTION);
    if (deepRow < 1 || total - deepRow < PAGE_SIZE) throw new Error(`${total} customers are too few for a deep page of ${PAGE_SIZE}`);
    const rows: Row[] = [];
    for (const order of ORDERS) {
      process.stdout.write(`Measuring ${order.label}…\n`);
      rows.push(await measure(server, order, deepRow));
    }
    printTable(rows, deepRow);
  } finally {
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error('Benchmark failed:', error instanceof Error ? error.message : error);
  process.exit(1);
});

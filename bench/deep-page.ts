/**
 * `npm run bench:deep-page`: does a page deep in a large table cost about what
 * the first page costs (API.md, Pagination)? Seeds BENCH_ROWS customers (one
 * million by default) into BENCH_DATABASE_URL when it holds fewer, marks some
 * deleted, gives one customer BENCH_ACTIVITIES activities and BENCH_FLAGS flags,
 * starts the real server and times, over HTTP, the page at 5 %, 50 % and 95 %
 * depth against the first page of the same connection, for every order and
 * direction, forward (`first`/`after`) and backward (`last`/`before`), without
 * a filter, with a name filter and with `includeDeleted`; then the customer's
 * `activities` (both ways) and `flags` (forward; the contract has no `last`).
 *
 * Deep cursors are cut from rows read with OFFSET (not timed), sealed with the
 * server's own codec and binding, so no walk through a million rows is needed.
 * With BENCH_JSON=path the rows are also written there as JSON (bench/run-all.ts).
 */
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { ulid } from 'ulid';
import { loadConfig } from '../src/core/config';
import { CustomerActivityEntity } from '../src/data/entities/customer-activity.entity';
import { CustomerEntity } from '../src/data/entities/customer.entity';
import { createLogger } from '../src/core/logging/logger';
import { CursorCodec } from '../src/core/paging/cursor-codec';
import { ACTIVITY_KEYSET } from '../src/data/repositories/activity.repository';
import { prefixRange } from '../src/data/repositories/customer.repository';
import { FLAG_KEYSET } from '../src/data/repositories/flag.repository';
import { cursorKeyOf } from '../src/data/keyset';
import { RunningServer, startServer } from '../src/server';
import { toActivityQuery } from '../src/domain/activity/customer-activity.service';
import { toCustomerQuery } from '../src/domain/customer/customer-listing';
import { customerKeyset } from '../src/data/repositories/customer-keyset';
import { CustomerOrderBy, CustomerSortField, SortDirection } from '../src/core/customer-order';
import { createDatabaseIfMissing, mysqlSettings, positiveInteger } from './bench-settings';
import { percentile } from './statistics';
import { seedBrandTo } from './seeding';

const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/customer_bench';
const ROWS = positiveInteger('BENCH_ROWS', 1_000_000);
const ACTIVITIES = positiveInteger('BENCH_ACTIVITIES', 100_000);
const FLAGS = positiveInteger('BENCH_FLAGS', 10_000);
const REPETITIONS = positiveInteger('BENCH_REPETITIONS', 15);
const WARM_UP = 2;
const DEPTHS = [0.05, 0.5, 0.95] as const;
/** The row a page at `depth` starts after, leaving a full page beyond it (and before it, for backward pages). */
const positionAt = (total: number, depth: number, size: number): number =>
  Math.max(size, Math.min(Math.floor(total * depth), total - size - 1));
const PAGE_SIZE = 50;
const NESTED_PAGE_SIZE = 50;
export const DEEP_PAGE_GOAL = 1.2;
/** Requests without a token act as this brand outside production. */
const BRAND = 'default';
/** About 1 in 16 seeded customers is marked deleted (ids end in one of two of 32 ULID characters). */
const DELETED_ID_ENDINGS = ['0', 'G'];
/** A common prefix of given or family names in the seeded locales. */
const NAME_PREFIX = 'ma';

type Paging = 'forward' | 'backward';
type Variant = 'all live' | `name "${string}"` | 'includeDeleted';

export interface DeepPageRow {
  connection: string;
  order: string;
  variant: string;
  paging: Paging;
  depth: string;
  firstMedian: number;
  deepMedian: number;
  deepP95: number;
  ratio: number;
}

const PAGE_QUERY = `query Page($first: Int, $after: String, $last: Int, $before: String, $filter: CustomerFilter, $orderBy: CustomerOrder) {
  customers(first: $first, after: $after, last: $last, before: $before, filter: $filter, orderBy: $orderBy) {
    nodes { id name emailAddress phoneNumber languageCode createdAt }
    pageInfo { hasNextPage hasPreviousPage endCursor }
  }
}`;

const ACTIVITIES_QUERY = `query Timeline($id: ID!, $first: Int, $after: String, $last: Int, $before: String) {
  customer(id: $id) { activities(first: $first, after: $after, last: $last, before: $before) { nodes { id type occurredAt } } }
}`;

const FLAGS_QUERY = `query Flags($id: ID!, $first: Int, $after: String) {
  customer(id: $id) { flags(first: $first, after: $after) { nodes { name addedAt } } }
}`;

const SORT_COLUMN: Record<CustomerSortField, string> = {
  [CustomerSortField.CREATED_AT]: 'created_at',
  [CustomerSortField.UPDATED_AT]: 'updated_at',
  [CustomerSortField.FAMILY_NAME]: 'family_name_key',
  [CustomerSortField.EMAIL_ADDRESS]: 'email_key',
};

async function post(server: RunningServer, query: string, variables: Record<string, unknown>): Promise<unknown[]> {
  const response = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: Record<string, unknown>; errors?: Array<{ message: string }> };
  if (!body.data || body.errors) throw new Error(`query failed: ${JSON.stringify(body.errors ?? body)}`);
  return nodesOf(body.data);
}

/** The `nodes` list wherever it sits in the answer. */
function nodesOf(value: unknown): unknown[] {
  if (value === null || typeof value !== 'object') return [];
  const record = value as Record<string, unknown>;
  if (Array.isArray(record.nodes)) return record.nodes;
  for (const child of Object.values(record)) {
    const found = nodesOf(child);
    if (found.length > 0) return found;
  }
  return [];
}

async function timed(server: RunningServer, query: string, variables: Record<string, unknown>, expected: number): Promise<number> {
  const started = process.hrtime.bigint();
  const nodes = await post(server, query, variables);
  const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
  if (nodes.length !== expected) throw new Error(`expected ${expected} rows, got ${nodes.length}: ${JSON.stringify(variables)}`);
  return elapsed;
}

/** Times the first page and each deep page, interleaved so a slow moment of the machine hits all alike. */
async function compare(
  server: RunningServer,
  query: string,
  first: Record<string, unknown>,
  deep: Array<{ depth: string; variables: Record<string, unknown> }>,
  size: number,
): Promise<Array<{ depth: string; firstMedian: number; deepMedian: number; deepP95: number }>> {
  for (let index = 0; index < WARM_UP; index += 1) {
    await timed(server, query, first, size);
    for (const page of deep) await timed(server, query, page.variables, size);
  }
  const firstSamples: number[] = [];
  const deepSamples = deep.map(() => [] as number[]);
  for (let index = 0; index < REPETITIONS; index += 1) {
    firstSamples.push(await timed(server, query, first, size));
    for (const [position, page] of deep.entries()) deepSamples[position]!.push(await timed(server, query, page.variables, size));
  }
  const firstMedian = percentile(firstSamples, 0.5);
  return deep.map((page, position) => ({
    depth: page.depth,
    firstMedian,
    deepMedian: percentile(deepSamples[position]!, 0.5),
    deepP95: percentile(deepSamples[position]!, 0.95),
  }));
}

async function fillTo(server: RunningServer, rows: number): Promise<void> {
  await seedBrandTo(server, BRAND, rows);
  const endings = DELETED_ID_ENDINGS.map(() => '?').join(', ');
  await server.dataSource.query(
    `UPDATE customers SET deleted_at = updated_at WHERE brand = ? AND deleted_at IS NULL AND RIGHT(id, 1) IN (${endings})`,
    [BRAND, ...DELETED_ID_ENDINGS],
  );
}

/** The customer with the long timeline and many flags (made once, found again on later runs). */
async function timelineCustomer(server: RunningServer): Promise<string> {
  const [existing] = (await server.dataSource.query(
    `SELECT customer_id AS id FROM customer_activities WHERE brand = ? GROUP BY customer_id HAVING COUNT(*) >= ? LIMIT 1`,
    [BRAND, ACTIVITIES],
  )) as Array<{ id: string }>;
  if (existing) return existing.id;
  const [customer] = (await server.dataSource.query(
    `SELECT id FROM customers WHERE brand = ? AND deleted_at IS NULL ORDER BY created_at, id LIMIT 1`,
    [BRAND],
  )) as Array<{ id: string }>;
  if (!customer) throw new Error('no customer to give a timeline');
  console.log(`Giving ${customer.id} ${ACTIVITIES} activities and ${FLAGS} flags.`);
  const start = Date.now() - ACTIVITIES * 60_000;
  const stamp = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
  const CHUNK = 2000;
  for (let from = 0; from < ACTIVITIES; from += CHUNK) {
    const values: unknown[] = [];
    const size = Math.min(CHUNK, ACTIVITIES - from);
    for (let index = from; index < from + size; index += 1) {
      // Every third activity shares its instant with the one before: ids break the ties.
      const at = start + (index - (index % 3 === 2 ? 1 : 0)) * 60_000;
      values.push(`act_${ulid(at)}`, customer.id, BRAND, 'order.placed', 'EXTERNAL', null, null, null, '{}', stamp(at), stamp(at));
    }
    await server.dataSource.query(
      `INSERT INTO customer_activities (id, customer_id, brand, type, origin, message, initiated_by, source_url, data, occurred_at, recorded_at) VALUES ${Array.from({ length: size }, () => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
      values,
    );
  }
  for (let from = 0; from < FLAGS; from += CHUNK) {
    const size = Math.min(CHUNK, FLAGS - from);
    const values = Array.from({ length: size }, (_, index) => [
      customer.id,
      `bench-${String(from + index).padStart(6, '0')}`,
      BRAND,
      stamp(start),
    ]).flat();
    await server.dataSource.query(
      `INSERT INTO customer_flags (customer_id, name, brand, added_at) VALUES ${Array.from({ length: size }, () => '(?, ?, ?, ?)').join(', ')}`,
      values,
    );
  }
  return customer.id;
}

interface CustomerCase {
  order: CustomerOrderBy;
  variant: Variant;
  filter: { name?: string; includeDeleted?: boolean } | undefined;
}

/** The ids at the given positions of the connection (0-based), read with OFFSET. */
async function idsAt(server: RunningServer, sortCase: CustomerCase, positions: number[]): Promise<string[]> {
  const column = SORT_COLUMN[sortCase.order.field];
  const direction = sortCase.order.direction === SortDirection.DESC ? 'DESC' : 'ASC';
  const where = ['brand = ?'];
  const parameters: unknown[] = [BRAND];
  if (!sortCase.filter?.includeDeleted) where.push('deleted_at IS NULL');
  if (sortCase.filter?.name) {
    const { from, below } = prefixRange(sortCase.filter.name);
    where.push('((name_key >= ? AND name_key < ?) OR (family_name_key >= ? AND family_name_key < ?))');
    parameters.push(from, below, from, below);
  }
  const ids: string[] = [];
  for (const position of positions) {
    const [row] = (await server.dataSource.query(
      `SELECT id FROM customers WHERE ${where.join(' AND ')} ORDER BY ${column} ${direction}, id ${direction} LIMIT 1 OFFSET ${position}`,
      parameters,
    )) as Array<{ id: string }>;
    if (!row) throw new Error(`no row at ${position}`);
    ids.push(row.id);
  }
  return ids;
}

async function countOf(server: RunningServer, sortCase: CustomerCase): Promise<number> {
  const [row] = (await server.dataSource.query(
    `SELECT COUNT(*) AS total FROM customers WHERE brand = ?${sortCase.filter?.includeDeleted ? '' : ' AND deleted_at IS NULL'}`,
    [BRAND],
  )) as Array<{ total: number | string }>;
  if (!sortCase.filter?.name) return Number(row!.total);
  const { from, below } = prefixRange(sortCase.filter.name);
  const [named] = (await server.dataSource.query(
    `SELECT COUNT(*) AS total FROM customers WHERE brand = ? AND deleted_at IS NULL AND ((name_key >= ? AND name_key < ?) OR (family_name_key >= ? AND family_name_key < ?))`,
    [BRAND, from, below, from, below],
  )) as Array<{ total: number | string }>;
  return Number(named!.total);
}

async function customerRows(server: RunningServer, codec: CursorCodec): Promise<DeepPageRow[]> {
  const cases: CustomerCase[] = [];
  for (const field of Object.values(CustomerSortField)) {
    for (const direction of Object.values(SortDirection)) {
      const order = { field, direction };
      cases.push({ order, variant: 'all live', filter: undefined });
      cases.push({ order, variant: `name "${NAME_PREFIX}"`, filter: { name: NAME_PREFIX } });
      cases.push({ order, variant: 'includeDeleted', filter: { includeDeleted: true } });
    }
  }
  const rows: DeepPageRow[] = [];
  for (const sortCase of cases) {
    const label = `${sortCase.order.field} ${sortCase.order.direction}`;
    process.stdout.write(`customers ${label}, ${sortCase.variant}…\n`);
    const total = await countOf(server, sortCase);
    const positions = DEPTHS.map((depth) => positionAt(total, depth, PAGE_SIZE));
    const ids = await idsAt(server, sortCase, positions);
    const entities = await server.database.read.customers.findByIds(BRAND, ids, true);
    const keyset = customerKeyset(sortCase.order);
    const binding = CursorCodec.binding({ connection: 'customers', query: toCustomerQuery(sortCase.filter), order: sortCase.order });
    const cursors = ids.map((id) => {
      const entity = entities.find((candidate) => candidate.id === id) as CustomerEntity;
      return codec.encode(binding, cursorKeyOf(keyset, entity));
    });
    for (const paging of ['forward', 'backward'] as const) {
      const base = { filter: sortCase.filter, orderBy: sortCase.order };
      const first = paging === 'forward' ? { ...base, first: PAGE_SIZE } : { ...base, last: PAGE_SIZE };
      const deep = cursors.map((cursor, index) => ({
        depth: `${DEPTHS[index]! * 100} %`,
        variables: paging === 'forward' ? { ...base, first: PAGE_SIZE, after: cursor } : { ...base, last: PAGE_SIZE, before: cursor },
      }));
      for (const result of await compare(server, PAGE_QUERY, first, deep, PAGE_SIZE)) {
        rows.push({
          connection: 'customers',
          order: label,
          variant: sortCase.variant,
          paging,
          ...result,
          ratio: result.deepMedian / result.firstMedian,
        });
      }
    }
  }
  return rows;
}

async function nestedRows(server: RunningServer, codec: CursorCodec, customerId: string): Promise<DeepPageRow[]> {
  const rows: DeepPageRow[] = [];
  // Through the entity, so occurred_at comes back as the Date the cursor holds.
  const activities = await server.dataSource.getRepository(CustomerActivityEntity).find({
    select: { id: true, occurredAt: true },
    where: { brand: BRAND, customerId },
    order: { occurredAt: 'DESC', id: 'DESC' },
  });
  const activityBinding = CursorCodec.binding({ connection: 'activities', customerId, query: toActivityQuery(undefined) });
  const activityCursors = DEPTHS.map((depth) => {
    const row = activities[positionAt(activities.length, depth, NESTED_PAGE_SIZE)]!;
    return codec.encode(activityBinding, cursorKeyOf(ACTIVITY_KEYSET, row));
  });
  for (const paging of ['forward', 'backward'] as const) {
    process.stdout.write(`activities of ${customerId}, ${paging}…\n`);
    const first = paging === 'forward' ? { id: customerId, first: NESTED_PAGE_SIZE } : { id: customerId, last: NESTED_PAGE_SIZE };
    const deep = activityCursors.map((cursor, index) => ({
      depth: `${DEPTHS[index]! * 100} %`,
      variables: paging === 'forward' ? { ...first, after: cursor } : { ...first, before: cursor },
    }));
    for (const result of await compare(server, ACTIVITIES_QUERY, first, deep, NESTED_PAGE_SIZE)) {
      rows.push({
        connection: 'activities',
        order: 'OCCURRED_AT DESC',
        variant: `${activities.length} activities`,
        paging,
        ...result,
        ratio: result.deepMedian / result.firstMedian,
      });
    }
  }
  const flags = (await server.dataSource.query(`SELECT name FROM customer_flags WHERE brand = ? AND customer_id = ? ORDER BY name`, [
    BRAND,
    customerId,
  ])) as Array<{
    name: string;
  }>;
  const flagBinding = CursorCodec.binding({ connection: 'flags', customerId });
  const flagDeep = DEPTHS.map((depth, index) => ({
    depth: `${DEPTHS[index]! * 100} %`,
    variables: {
      id: customerId,
      first: NESTED_PAGE_SIZE,
      after: codec.encode(
        flagBinding,
        cursorKeyOf(FLAG_KEYSET, { name: flags[positionAt(flags.length, depth, NESTED_PAGE_SIZE)]!.name, customerId } as never),
      ),
    },
  }));
  process.stdout.write(`flags of ${customerId}, forward…\n`);
  for (const result of await compare(server, FLAGS_QUERY, { id: customerId, first: NESTED_PAGE_SIZE }, flagDeep, NESTED_PAGE_SIZE)) {
    rows.push({
      connection: 'flags',
      order: 'NAME ASC',
      variant: `${flags.length} flags`,
      paging: 'forward',
      ...result,
      ratio: result.deepMedian / result.firstMedian,
    });
  }
  return rows;
}

export function printDeepPageTable(rows: DeepPageRow[]): void {
  const header = [
    'connection',
    'order',
    'variant',
    'paging',
    'depth',
    'first p50 ms',
    'deep p50 ms',
    'deep p95 ms',
    'deep/first',
    `goal ≤ ${DEEP_PAGE_GOAL}`,
  ];
  const lines = rows.map((row) => [
    row.connection,
    row.order,
    row.variant,
    row.paging,
    row.depth,
    row.firstMedian.toFixed(2),
    row.deepMedian.toFixed(2),
    row.deepP95.toFixed(2),
    row.ratio.toFixed(2),
    row.ratio <= DEEP_PAGE_GOAL ? 'met' : 'MISSED',
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column]!.length)));
  const format = (cells: string[]): string => `| ${cells.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ')} |`;
  console.log(format(header));
  console.log(`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`);
  for (const line of lines) console.log(format(line));
  const missed = rows.filter((row) => row.ratio > DEEP_PAGE_GOAL).length;
  console.log(
    `\n${rows.length - missed} of ${rows.length} deep pages within ${DEEP_PAGE_GOAL}× their first page; worst ${Math.max(...rows.map((row) => row.ratio)).toFixed(2)}×.`,
  );
}

async function main(): Promise<void> {
  await createDatabaseIfMissing(mysqlSettings(DATABASE_URL));
  // The set-up statements (marking deleted rows, OFFSET reads of deep rows) run long at a million rows.
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', PORT: '0', DATABASE_URL, DB_STATEMENT_TIMEOUT_MS: '600000' });
  const server = await startServer(config, createLogger(config.logLevel));
  try {
    console.log(
      `Deep-page benchmark on ${config.database.dialect}; load average ${loadavg()
        .map((load) => load.toFixed(2))
        .join(' ')}`,
    );
    await fillTo(server, ROWS);
    const customerId = await timelineCustomer(server);
    for (const table of ['customers', 'customer_activities', 'customer_flags']) await server.dataSource.query(`ANALYZE TABLE ${table}`);
    const codec = new CursorCodec(config.cursorSecret);
    const rows = [...(await customerRows(server, codec)), ...(await nestedRows(server, codec, customerId))];
    console.log(
      `\nDeep page vs. first page (p50 of ${REPETITIONS} HTTP round trips each, ${PAGE_SIZE} rows, ${ROWS} customers); load average ${loadavg()
        .map((load) => load.toFixed(2))
        .join(' ')}`,
    );
    printDeepPageTable(rows);
    if (process.env.BENCH_JSON) writeFileSync(process.env.BENCH_JSON, JSON.stringify({ rows, loadAverage: loadavg() }, null, 2));
  } finally {
    await server.stop();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error('Benchmark failed:', error instanceof Error ? error.stack : error);
    process.exit(1);
  });
}

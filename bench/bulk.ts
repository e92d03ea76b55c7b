/**
 * `npm run bench:bulk`: how fast does `upsertCustomers` write (issue goals:
 * ≥ 20,000 new and ≥ 10,000 updated rows/s, each ≥ 0.5× the raw statement)?
 * Drops and re-creates BENCH_DATABASE_URL (MySQL/MariaDB, a database for this
 * benchmark only), starts the real server, and times over HTTP BENCH_CALLS
 * calls of 1,000 new customers each, then 1,000 updates of them each. The
 * baselines, in the same run on the same table, each call alternating with the
 * API's: the same customer rows written by hand through mysql2 as one
 * multi-row INSERT per 1,000, then as one `INSERT … ON DUPLICATE KEY UPDATE`
 * per 1,000 with the same changes. The API
 * also validates every input, writes one activity per row and answers over
 * HTTP; the baselines write the customer rows only. A second floor, in the
 * same alternation, writes what no upsert can leave out: the customer rows
 * with their search terms (inserted, or replaced on update), in one
 * transaction per 1,000 rows.
 *
 * Prints a table and writes the figures to test-results/bench/bulk.json.
 */
import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createPool, Pool, PoolConnection } from 'mysql2/promise';
import { loadConfig } from '../src/core/config';
import { CustomerEntity } from '../src/data/entities/customer.entity';
import { createLogger } from '../src/core/logging/logger';
import { RunningServer, startServer } from '../src/server';
import { newCustomerRow } from '../src/domain/customer/customer-row';
import { mysqlSettings, positiveInteger, recreateDatabase } from './bench-settings';
import { deleteRawTerms, insertRawTerms, RAW_COLUMNS, rawValues } from './raw-customer-rows';
import { median, printMarkdownTable } from './statistics';

const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/customer_bench_bulk';
const CALLS = positiveInteger('BENCH_CALLS', 10);
const WARM_UP = positiveInteger('BENCH_WARM_UP', 2);
const BATCH = 1000;
const NEW_ROWS_GOAL = 20_000;
const UPDATED_ROWS_GOAL = 10_000;
const RATIO_GOAL = 0.5;
/** Requests without a token act as this brand outside production. */
const API_BRAND = 'default';
/** The baselines write their own rows, beside the API's, into the same table. */
const RAW_BRAND = 'bench_raw';
const RAW_TERMS_BRAND = 'bench_raw_terms';
const OUTPUT = resolve(__dirname, '../../../test-results/bench/bulk.json');

const UPSERT_MANY = `mutation UpsertMany($inputs: [UpsertCustomerInput!]!) {
  upsertCustomers(inputs: $inputs) {
    results { index created customer { id version } userErrors { code } }
    userErrors { code }
  }
}`;

interface UpsertManyResponse {
  data?: {
    upsertCustomers: {
      results: Array<{ index: number; created: boolean; customer: { id: string; version: number } | null; userErrors: unknown[] }>;
      userErrors: unknown[];
    };
  };
  errors?: unknown[];
}

/** The figure format every bench script writes (read by `npm run bench`). */
interface Figure {
  name: string;
  value: number;
  unit: string;
  baseline?: number;
  ratio?: number;
  goal?: string;
  met?: boolean;
}

interface UpsertInput {
  externalId: string;
  givenName: string;
  familyName: string;
  emailAddress: string;
  phoneNumber: string;
  languageCode: string;
  metadata: Record<string, unknown>;
}

/** One call's inputs: realistic, all valid; `round` 0 creates, later rounds change every customer. */
function inputsFor(prefix: string, call: number, round: number): UpsertInput[] {
  return Array.from({ length: BATCH }, (_, index) => {
    const n = call * BATCH + index;
    const suffix = String(n).padStart(6, '0');
    return {
      externalId: `${prefix}-${suffix}`,
      givenName: round === 0 ? 'Bulk' : `Bulk ${['Anna', 'Jörg', 'Zoë'][round % 3]}`,
      familyName: `Customer ${String.fromCharCode(65 + (n % 26))}`,
      emailAddress: `bulk.${prefix}.${suffix}.${round}@example.com`,
      phoneNumber: `+4930726${String(200000 + (n % 800000))}`,
      languageCode: 'de-DE',
      metadata: { source: 'bench', round },
    };
  });
}

/**
 * Runs `subject`, `baseline` and `floor` WARM_UP times unmeasured, then CALLS
 * times each, alternating, so a change in the machine's load meets all alike;
 * the answer is rows/s at the median call of each.
 */
async function rowsPerSecond(
  label: string,
  subject: (index: number) => Promise<void>,
  baseline: (index: number) => Promise<void>,
  floor: (index: number) => Promise<void>,
): Promise<{ subject: number; baseline: number; floor: number }> {
  process.stdout.write(`Measuring ${label}…\n`);
  for (let index = 0; index < WARM_UP; index += 1) {
    await baseline(index);
    await floor(index);
    await subject(index);
  }
  const timed = async (call: (index: number) => Promise<void>, index: number): Promise<number> => {
    const started = performance.now();
    await call(index);
    return performance.now() - started;
  };
  const subjectMs: number[] = [];
  const baselineMs: number[] = [];
  const floorMs: number[] = [];
  for (let index = WARM_UP; index < WARM_UP + CALLS; index += 1) {
    baselineMs.push(await timed(baseline, index));
    floorMs.push(await timed(floor, index));
    subjectMs.push(await timed(subject, index));
  }
  const rate = (ms: number[]) => BATCH / (median(ms) / 1000);
  return { subject: rate(subjectMs), baseline: rate(baselineMs), floor: rate(floorMs) };
}

async function apiCall(server: RunningServer, inputs: UpsertInput[], expectCreated: boolean): Promise<void> {
  const response = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: UPSERT_MANY, variables: { inputs } }),
  });
  const body = (await response.json()) as UpsertManyResponse;
  const payload = body.data?.upsertCustomers;
  const wrong = payload?.results.find((result) => result.created !== expectCreated || result.userErrors.length > 0);
  if (body.errors || !payload || payload.userErrors.length > 0 || payload.results.length !== inputs.length || wrong) {
    throw new Error(`upsertCustomers answered unexpectedly: ${JSON.stringify(body).slice(0, 500)}`);
  }
}

/**
 * Hand-written baselines: one statement per 1,000 rows, autocommit; `withTerms`
 * (the floor) adds the rows' search terms, in one transaction per 1,000 rows.
 */
class RawWriter {
  private readonly rowsByCall = new Map<number, CustomerEntity[]>();

  /**
   * `prefix` goes into the inputs' external ids and e-mail addresses; a single word, like the API's brand there, so
   * the rows have as many search terms as the API's.
   */
  constructor(
    private readonly pool: Pool,
    private readonly brand: string,
    private readonly prefix: string,
    private readonly withTerms: boolean,
  ) {}

  async insert(call: number): Promise<void> {
    const now = new Date();
    const rows = inputsFor(this.prefix, call, 0).map((input) => newCustomerRow(this.brand, input, now));
    this.rowsByCall.set(call, rows);
    await this.write(rows, async (connection) => {
      await connection.query(`INSERT INTO customers (${RAW_COLUMNS.join(', ')}) VALUES ?`, [rows.map(rawValues)]);
    });
  }

  async update(call: number, round: number): Promise<void> {
    const now = new Date();
    const inputs = inputsFor(this.prefix, call, round);
    const rows = this.rowsByCall.get(call)!.map((row, index) => {
      const changed = newCustomerRow(this.brand, inputs[index]!, now);
      return { ...changed, id: row.id, createdAt: row.createdAt, version: row.version + round };
    });
    const updates = RAW_COLUMNS.filter((column) => !['id', 'brand', 'created_at'].includes(column))
      .map((column) => `${column} = VALUES(${column})`)
      .join(', ');
    await this.write(rows, async (connection) => {
      await connection.query(`INSERT INTO customers (${RAW_COLUMNS.join(', ')}) VALUES ? ON DUPLICATE KEY UPDATE ${updates}`, [
        rows.map(rawValues),
      ]);
      if (this.withTerms) await deleteRawTerms(connection, this.brand, rows);
    });
  }

  /** Runs `customers` and then, with terms, inserts the rows' terms, in one transaction. */
  private async write(rows: CustomerEntity[], customers: (connection: PoolConnection) => Promise<void>): Promise<void> {
    const connection = await this.pool.getConnection();
    try {
      if (!this.withTerms) return await customers(connection);
      await connection.beginTransaction();
      await customers(connection);
      await insertRawTerms(connection, rows);
      await connection.commit();
    } finally {
      connection.release();
    }
  }
}

function rateFigure(name: string, value: number, baseline: number, floor: number): Figure {
  const ratio = value / baseline;
  return {
    name,
    value: Math.round(value),
    unit: 'rows/s',
    baseline: Math.round(baseline),
    ratio: Number(ratio.toFixed(3)),
    goal: `≥ ${floor} rows/s and ≥ ${RATIO_GOAL}× baseline`,
    met: value >= floor && ratio >= RATIO_GOAL,
  };
}

function printTable(figures: Figure[]): void {
  const header = ['figure', 'value', 'baseline', 'ratio', 'goal', 'met'];
  const lines = figures.map((figure) => [
    figure.name,
    `${figure.value} ${figure.unit}`,
    figure.baseline === undefined ? '' : String(figure.baseline),
    figure.ratio === undefined ? '' : figure.ratio.toFixed(2),
    figure.goal ?? '',
    figure.met === undefined ? '' : figure.met ? 'met' : 'MISSED',
  ]);
  console.log(
    `\nupsertCustomers, ${BATCH} rows per call, median of ${CALLS} calls (alternating with the baseline's) after ${WARM_UP} warm-up calls`,
  );
  printMarkdownTable(header, lines);
}

async function main(): Promise<void> {
  const database = mysqlSettings(DATABASE_URL);
  await recreateDatabase(database);
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', PORT: '0', DATABASE_URL });
  const server = await startServer(config, createLogger(config.logLevel));
  const { host, port, user, password } = database;
  const pool = createPool({ host, port, user, password, database: database.database, timezone: 'Z', connectionLimit: 2 });
  try {
    console.log(`Bulk-write benchmark on MySQL ${host}:${port}/${database.database}`);
    const raw = new RawWriter(pool, RAW_BRAND, 'raw', false);
    const rawWithTerms = new RawWriter(pool, RAW_TERMS_BRAND, 'floor', true);
    const created = await rowsPerSecond(
      'upsertCustomers of new customers against a raw multi-row INSERT, and against the same with search terms',
      (call) => apiCall(server, inputsFor(API_BRAND, call, 0), true),
      (call) => raw.insert(call),
      (call) => rawWithTerms.insert(call),
    );
    const updated = await rowsPerSecond(
      'upsertCustomers of existing customers against a raw INSERT … ON DUPLICATE KEY UPDATE, and against the same with search terms',
      (call) => apiCall(server, inputsFor(API_BRAND, call, 1), false),
      (call) => raw.update(call, 1),
      (call) => rawWithTerms.update(call, 1),
    );
    const floorFigure = (name: string, rates: { subject: number; floor: number }): Figure => ({
      name,
      value: Math.round(rates.floor),
      unit: 'rows/s',
      ratio: Number((rates.subject / rates.floor).toFixed(3)),
    });
    const figures: Figure[] = [
      rateFigure('upsertCustomers new rows', created.subject, created.baseline, NEW_ROWS_GOAL),
      rateFigure('upsertCustomers updated rows', updated.subject, updated.baseline, UPDATED_ROWS_GOAL),
      { name: 'raw multi-row INSERT', value: Math.round(created.baseline), unit: 'rows/s' },
      { name: 'raw INSERT … ON DUPLICATE KEY UPDATE', value: Math.round(updated.baseline), unit: 'rows/s' },
      floorFigure('floor: raw INSERT with search terms (ratio: upsertCustomers / floor)', created),
      floorFigure('floor: raw INSERT … ON DUPLICATE KEY UPDATE replacing search terms (ratio: upsertCustomers / floor)', updated),
    ];
    printTable(figures);
    mkdirSync(dirname(OUTPUT), { recursive: true });
    writeFileSync(OUTPUT, `${JSON.stringify(figures, null, 2)}\n`);
    console.log(`\nFigures written to ${OUTPUT}`);
  } finally {
    await pool.end();
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error('Benchmark failed:', error instanceof Error ? error.message : error);
  process.exit(1);
});

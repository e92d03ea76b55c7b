/**
 * `npm run bench:import`: how fast does a CSV import run end to end (issue
 * goal: ≥ 20,000 rows/s for 1,000,000 rows on MariaDB), how much memory does
 * the server take meanwhile (goal: peak RSS < 300 MB), and how fast does the
 * export stream the same customers back?
 *
 * Drops and re-creates BENCH_DATABASE_URL (a database for this benchmark
 * only) and starts the built server (`dist/main.js`) as a child process, so
 * its resident set is its own. Then, on the same table:
 *
 * 1. the floor: BENCH_ROWS customer rows (BENCH_ROWS, 1,000,000 by default)
 *    written by hand through mysql2 as multi-row INSERTs of 1,000 rows, rows
 *    built as the service builds them, no activities, no events; then the
 *    same rows with their search terms, which every write of a customer
 *    stores with it (the least an import writes);
 * 2. the import: the same number of rows as one CSV body, generated while it
 *    is sent, POSTed to /imports/customers; timed from the first byte to
 *    `customerImport.status` SUCCEEDED (upload, storage, and every chunk applied
 *    with its activities and change events);
 * 3. the export: `GET /exports/customers?format=ndjson`, read to the end.
 *
 * Peak RSS is the child's VmHWM (Linux) at the end of the import.
 */
import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { createPool } from 'mysql2/promise';
import { newCustomerRow } from '../src/domain/customer/customer-row';
import { mysqlSettings, MysqlSettings, positiveInteger, recreateDatabase } from './bench-settings';
import { insertRawTerms, RAW_COLUMNS, rawValues } from './raw-customer-rows';
import { printMarkdownTable } from './statistics';

const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/customer_bench_import';
const ROWS = positiveInteger('BENCH_ROWS', 1_000_000);
const RATE_GOAL = 20_000;
const RSS_GOAL_MB = 300;
const RAW_BATCH = 1000;
const RAW_BRAND = 'bench_raw';
const RAW_TERMS_BRAND = 'bench_raw_terms';
/** Connections the floor writes on at once. */
const RAW_CONNECTIONS = positiveInteger('BENCH_RAW_CONNECTIONS', 2);
const ROOT = resolve(__dirname, '../../..');
const STARTUP_LINE = /Customer subgraph ready at http:\/\/localhost:(\d+)\/graphql/;

const IMPORT_STATUS = `query($id: ID!) { customerImport(id: $id) { status rowsProcessed created updated failed failure } }`;

interface ImportStatus {
  status: string;
  rowsProcessed: number;
  created: number;
  updated: number;
  failed: number;
  failure: string | null;
}

/** Row `n` as CSV cells and as the service's input: realistic, all valid. */
function rowOf(n: number): {
  externalId: string;
  givenName: string;
  familyName: string;
  emailAddress: string;
  phoneNumber: string;
  languageCode: string;
  tier: string;
} {
  const suffix = String(n).padStart(7, '0');
  return {
    externalId: `crm-${suffix}`,
    givenName: ['Anna', 'Jörg', 'Zoë', 'Mateo', 'Aiko'][n % 5]!,
    familyName: `Customer ${String.fromCharCode(65 + (n % 26))}`,
    emailAddress: `import.${suffix}@example.com`,
    phoneNumber: `+4930726${String(200000 + (n % 800000))}`,
    languageCode: 'de-DE',
    tier: ['gold', 'silver', 'bronze'][n % 3]!,
  };
}

function csvBody(rows: number): Readable {
  let next = 0;
  return new Readable({
    read() {
      if (next === 0) this.push('externalId,givenName,familyName,emailAddress,phoneNumber,languageCode,tier\n');
      const lines: string[] = [];
      for (let count = 0; count < 5000 && next < rows; count += 1, next += 1) {
        const row = rowOf(next);
        lines.push(
          `${row.externalId},${row.givenName},${row.familyName},${row.emailAddress},${row.phoneNumber},${row.languageCode},${row.tier}\n`,
        );
      }
      this.push(lines.join(''));
      if (next >= rows) this.push(null);
    },
  });
}

async function startService(): Promise<{ url: string; pid: number; stop(): Promise<void> }> {
  // BENCH_SERVER_NODE_ARGS: options for the server's node, e.g. `--cpu-prof --cpu-prof-dir=profiles` for a profile of the import.
  const nodeArguments = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(/\s+/).filter((argument) => argument !== '');
  const child = spawn(process.execPath, [...nodeArguments, 'dist/main.js'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      PORT: '0',
      DATABASE_URL,
      IMPORT_MAX_BYTES: String(4 * 1024 * 1024 * 1024),
      HTTP_REQUEST_TIMEOUT_MS: '600000',
      DB_STATEMENT_TIMEOUT_MS: '600000',
      // The settings that shape the import's statements may be varied from outside.
      ...(process.env.IMPORT_CHUNK_ROWS ? { IMPORT_CHUNK_ROWS: process.env.IMPORT_CHUNK_ROWS } : {}),
      ...(process.env.IMPORT_CHUNKS_IN_FLIGHT ? { IMPORT_CHUNKS_IN_FLIGHT: process.env.IMPORT_CHUNKS_IN_FLIGHT } : {}),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 120_000;
  while (!STARTUP_LINE.test(output)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the server did not start:\n${output}`);
    await new Promise((done) => setTimeout(done, 50));
  }
  const port = Number(STARTUP_LINE.exec(output)![1]);
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((done) => child.once('exit', done));
    },
  };
}

function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN) / 1024;
}

/**
 * The floor: the same customer rows, by hand, one multi-row INSERT per 1,000;
 * with `withTerms`, each batch's search terms too (`insertRawTerms`), in one
 * transaction per batch, on RAW_CONNECTIONS
 * connections at once (the machine's cores): what an import must write at the
 * least, since the search terms are written with their customer (another
 * brand, so the external ids do not collide). Returns the wall-clock seconds.
 */
async function rawInsert(database: MysqlSettings, brand: string, withTerms: boolean): Promise<number> {
  const { host, port, user, password } = database;
  const pool = createPool({ host, port, user, password, database: database.database, timezone: 'Z', connectionLimit: RAW_CONNECTIONS });
  let next = 0;
  const writeBatches = async (): Promise<void> => {
    const connection = await pool.getConnection();
    try {
      for (let from = next; from < ROWS; from = next) {
        next += RAW_BATCH;
        const now = new Date();
        const rows = Array.from({ length: Math.min(RAW_BATCH, ROWS - from) }, (_, index) => {
          const { tier, ...fields } = rowOf(from + index);
          return newCustomerRow(brand, { ...fields, metadata: { tier } }, now);
        });
        await connection.beginTransaction();
        await connection.query(`INSERT INTO customers (${RAW_COLUMNS.join(', ')}) VALUES ?`, [rows.map(rawValues)]);
        if (withTerms) await insertRawTerms(connection, rows);
        await connection.commit();
      }
    } finally {
      connection.release();
    }
  };
  try {
    const started = performance.now();
    await Promise.all(Array.from({ length: RAW_CONNECTIONS }, writeBatches));
    return (performance.now() - started) / 1000;
  } finally {
    await pool.end();
  }
}

async function graphql<T>(url: string, query: string, variables: Record<string, unknown>): Promise<T> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  if (body.errors || !body.data) throw new Error(`GraphQL answered ${JSON.stringify(body).slice(0, 500)}`);
  return body.data;
}

async function importRows(url: string): Promise<{ seconds: number; uploadSeconds: number; job: ImportStatus }> {
  const started = performance.now();
  const response = await fetch(`${url}/imports/customers`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv' },
    body: Readable.toWeb(csvBody(ROWS)) as ReadableStream,
    duplex: 'half',
  } as RequestInit);
  const answer = (await response.json()) as { id?: string };
  if (response.status !== 202 || !answer.id) throw new Error(`the import was refused: ${response.status} ${JSON.stringify(answer)}`);
  const uploadSeconds = (performance.now() - started) / 1000;
  let lastReport = 0;
  for (;;) {
    const { customerImport: job } = await graphql<{ customerImport: ImportStatus }>(url, IMPORT_STATUS, { id: answer.id });
    if (job.status === 'SUCCEEDED' || job.status === 'FAILED') return { seconds: (performance.now() - started) / 1000, uploadSeconds, job };
    if (performance.now() - lastReport > 10_000) {
      lastReport = performance.now();
      process.stdout.write(`  ${job.rowsProcessed} of ${ROWS} rows applied…\n`);
    }
    await new Promise((done) => setTimeout(done, 200));
  }
}

async function exportRows(url: string): Promise<{ seconds: number; rows: number }> {
  const started = performance.now();
  const response = await fetch(`${url}/exports/customers?format=ndjson`);
  if (response.status !== 200 || !response.body) throw new Error(`the export answered ${response.status}`);
  let rows = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    for (const byte of chunk) if (byte === 10) rows += 1;
  }
  return { seconds: (performance.now() - started) / 1000, rows };
}

function printTable(lines: string[][]): void {
  const header = ['figure', 'value', 'goal', 'met'];
  console.log(`\nCSV import and export of ${ROWS} customers (MariaDB/MySQL, the built server as a child process)`);
  printMarkdownTable(header, lines);
}

async function main(): Promise<void> {
  const database = mysqlSettings(DATABASE_URL);
  await recreateDatabase(database);
  const service = await startService();
  try {
    console.log(`Import benchmark on ${database.host}:${database.port}/${database.database}, ${ROWS} rows`);
    process.stdout.write('Measuring the floor: raw multi-row INSERTs of the same rows…\n');
    const rawSeconds = await rawInsert(database, RAW_BRAND, false);
    process.stdout.write('Measuring the floor with search terms: the same, each batch with its terms…\n');
    const rawWithTermsSeconds = await rawInsert(database, RAW_TERMS_BRAND, true);
    process.stdout.write('Measuring the import through POST /imports/customers…\n');
    const imported = await importRows(service.url);
    const peak = peakRssMb(service.pid);
    if (imported.job.status !== 'SUCCEEDED' || imported.job.created !== ROWS) {
      throw new Error(`the import did not create every row: ${JSON.stringify(imported.job)}`);
    }
    process.stdout.write('Measuring the export through GET /exports/customers…\n');
    const exported = await exportRows(service.url);
    if (exported.rows !== ROWS) throw new Error(`the export held ${exported.rows} rows, not ${ROWS}`);
    const importRate = ROWS / imported.seconds;
    const rawRate = ROWS / rawSeconds;
    printTable([
      [
        'import rate (POST to SUCCEEDED)',
        `${Math.round(importRate)} rows/s (${imported.seconds.toFixed(1)} s)`,
        `≥ ${RATE_GOAL} rows/s`,
        importRate >= RATE_GOAL ? 'met' : 'MISSED',
      ],
      ['  of which upload and storage (to 202)', `${imported.uploadSeconds.toFixed(1)} s`, '', ''],
      ['raw multi-row INSERT (floor)', `${Math.round(rawRate)} rows/s (${rawSeconds.toFixed(1)} s)`, '', ''],
      ['import / raw INSERT', `${(importRate / rawRate).toFixed(2)}×`, '', ''],
      [
        'raw multi-row INSERT with search terms (floor)',
        `${Math.round(ROWS / rawWithTermsSeconds)} rows/s (${rawWithTermsSeconds.toFixed(1)} s)`,
        '',
        '',
      ],
      ['import / raw INSERT with search terms', `${((importRate * rawWithTermsSeconds) / ROWS).toFixed(2)}×`, '', ''],
      ['server peak RSS during the import', `${Math.round(peak)} MB`, `< ${RSS_GOAL_MB} MB`, peak < RSS_GOAL_MB ? 'met' : 'MISSED'],
      ['export rate (ndjson, read to the end)', `${Math.round(ROWS / exported.seconds)} rows/s (${exported.seconds.toFixed(1)} s)`, '', ''],
    ]);
  } finally {
    await service.stop();
  }
}

main().catch((error: unknown) => {
  console.error('The import benchmark failed:', error instanceof Error ? error.stack : error);
  process.exit(1);
});

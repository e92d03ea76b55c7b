/**
 * `npm run bench`: every benchmark in sequence, then one table of their figures,
 * ratios and goals. Each runs as its own process (as `npm run bench:<name>`
 * would), with its output passed through; the figures are read from what it
 * prints (its tables' `met`/`MISSED` rows, its `ratio … (goal …)` lines) and,
 * for the deep-page benchmark, from the JSON it writes. A benchmark that fails
 * is reported as failed and the others still run.
 *
 * The first step is the seed fast path itself: `seed.js --count BENCH_SEED_ROWS`
 * into a scratch database that is dropped first. The machine may be shared:
 * the load average is taken around every benchmark and shown next to its
 * figures when it was above BUSY_LOAD.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { mysqlSettings, positiveInteger } from './bench-settings';
import { DEEP_PAGE_GOAL, DeepPageRow } from './deep-page';
import { printMarkdownTable } from './statistics';

const SEED_ROWS = positiveInteger('BENCH_SEED_ROWS', 200_000);
const SEED_DATABASE_URL = process.env.BENCH_SEED_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/customer_bench_seed';
const SEED_GOAL = 30_000;
const BUSY_LOAD = 3;
/** The benchmarks, in the order they run; BENCH_ONLY (comma-separated names) picks some. */
const BENCHMARKS = ['seed', 'deep-page', 'nested-list', 'entities', 'bulk', 'load', 'events', 'search', 'import'] as const;

interface Figure {
  bench: string;
  figure: string;
  value: string;
  goal: string;
  status: 'met' | 'MISSED' | 'failed' | '';
  load: string;
}

interface Run {
  output: string;
  code: number | null;
  load: string;
}

function run(command: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  const before = loadavg()[0]!;
  return new Promise((resolve) => {
    // Each benchmark keeps to its own default database (the bulk benchmark drops and re-creates its own).
    const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
    delete childEnv.BENCH_DATABASE_URL;
    const child = spawn(command, args, { env: childEnv, stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      output += chunk.toString('utf8');
    });
    child.on('close', (code) => {
      const after = loadavg()[0]!;
      const busiest = Math.max(before, after);
      resolve({ output, code, load: busiest > BUSY_LOAD ? `load ${before.toFixed(1)}→${after.toFixed(1)}` : '' });
    });
  });
}

/** Figures from a benchmark's printed tables (rows with a met/MISSED cell) and its `ratio …: x (goal …: met)` lines. */
function printedFigures(bench: string, output: string, load: string): Figure[] {
  const figures: Figure[] = [];
  let header: string[] | null = null;
  for (const line of output.split('\n')) {
    if (!line.startsWith('|')) {
      header = null;
      const ratio = /^(ratio .+?): ([\d.]+) \(goal (.+?): (met|MISSED)\)/.exec(line.trim());
      if (ratio) figures.push({ bench, figure: ratio[1]!, value: ratio[2]!, goal: ratio[3]!, status: ratio[4] as 'met' | 'MISSED', load });
      continue;
    }
    const cells = line
      .split('|')
      .slice(1, -1)
      .map((cell) => cell.trim());
    if (cells.every((cell) => /^-+$/.test(cell))) continue;
    if (header === null) {
      header = cells;
      continue;
    }
    const status = cells.find((cell) => cell === 'met' || cell === 'MISSED') as 'met' | 'MISSED' | undefined;
    if (!status) continue;
    const goalColumn = header.findIndex((title) => /^goal/i.test(title));
    const statusColumn = cells.indexOf(status);
    const goal = goalColumn >= 0 && goalColumn !== statusColumn ? cells[goalColumn]! : header[statusColumn]!;
    const ratioColumn = header.findIndex((title) => /ratio|\//i.test(title));
    const value = ratioColumn >= 0 ? cells[ratioColumn]! : (cells[1] ?? '');
    figures.push({ bench, figure: cells[0]!, value, goal, status, load });
  }
  return figures;
}

/** The deep-page rows condensed to the worst ratio per connection, variant and paging. */
function deepPageFigures(rows: DeepPageRow[], load: string): Figure[] {
  const groups = new Map<string, DeepPageRow[]>();
  for (const row of rows) {
    const key = `${row.connection}, ${row.variant}, ${row.paging}`;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  return [...groups].map(([key, group]) => {
    const worst = group.reduce((a, b) => (b.ratio > a.ratio ? b : a));
    return {
      bench: 'deep-page',
      figure: `${key}: worst of ${group.length} (${worst.order} at ${worst.depth})`,
      value: `${worst.ratio.toFixed(2)}× (${worst.deepMedian.toFixed(1)} / ${worst.firstMedian.toFixed(1)} ms)`,
      goal: `≤ ${DEEP_PAGE_GOAL}×`,
      status: worst.ratio <= DEEP_PAGE_GOAL ? 'met' : 'MISSED',
      load,
    };
  });
}

async function seedFigures(): Promise<Figure[]> {
  const database = mysqlSettings(SEED_DATABASE_URL);
  const { host, port, user, password } = database;
  const connection = await createConnection({ host, port, user, password });
  try {
    await connection.query(`DROP DATABASE IF EXISTS \`${database.database}\``);
    await connection.query(`CREATE DATABASE \`${database.database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await connection.end();
  }
  const result = await run('node', ['dist/scripts/seed.js', '--count', String(SEED_ROWS)], { DATABASE_URL: SEED_DATABASE_URL });
  const rate = /Inserted (\d+) customers in ([\d.]+) s: (\d+) rows\/s/.exec(result.output);
  if (result.code !== 0 || !rate)
    return [{ bench: 'seed', figure: 'npm run seed', value: '', goal: '', status: 'failed', load: result.load }];
  const rowsPerSecond = Number(rate[3]);
  return [
    {
      bench: 'seed',
      figure: `npm run seed -- --count ${rate[1]} (empty database)`,
      value: `${rowsPerSecond} rows/s (${rate[2]} s)`,
      goal: `≥ ${SEED_GOAL} rows/s`,
      status: rowsPerSecond >= SEED_GOAL ? 'met' : 'MISSED',
      load: result.load,
    },
  ];
}

async function benchFigures(name: string): Promise<Figure[]> {
  const directory = mkdtempSync(join(tmpdir(), 'bench-'));
  const json = join(directory, `${name}.json`);
  try {
    const result = await run('node', [`dist/bench/bench/${name}.js`], { BENCH_JSON: json });
    if (result.code !== 0)
      return [{ bench: name, figure: `exit code ${result.code}`, value: '', goal: '', status: 'failed', load: result.load }];
    if (name === 'deep-page') {
      const { rows } = JSON.parse(readFileSync(json, 'utf8')) as { rows: DeepPageRow[] };
      return deepPageFigures(rows, result.load);
    }
    const figures = printedFigures(name, result.output, result.load);
    return figures.length > 0
      ? figures
      : [{ bench: name, figure: '(no figure with a goal printed)', value: '', goal: '', status: '', load: result.load }];
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

function printTable(figures: Figure[]): void {
  const header = ['bench', 'figure', 'value', 'goal', 'status', 'machine'];
  const lines = figures.map((figure) => [figure.bench, figure.figure, figure.value, figure.goal, figure.status, figure.load]);
  console.log(`\n## All benchmarks (MariaDB, this machine; "machine" shows the 1-minute load average when it was above ${BUSY_LOAD})\n`);
  printMarkdownTable(header, lines);
  const missed = figures.filter((figure) => figure.status === 'MISSED' || figure.status === 'failed').length;
  console.log(`\n${figures.length - missed} of ${figures.length} figures met their goal.`);
}

async function main(): Promise<void> {
  if (process.env.BENCH_DATABASE_URL) console.log('BENCH_DATABASE_URL is ignored here: every benchmark uses its own database.');
  const only = (process.env.BENCH_ONLY ?? '').split(',').filter((name) => name !== '');
  const selected = BENCHMARKS.filter((name) => only.length === 0 || only.includes(name));
  const figures: Figure[] = [];
  for (const name of selected) {
    console.log(`\n=== ${name} (load average ${loadavg()[0]!.toFixed(2)}) ===`);
    figures.push(...(name === 'seed' ? await seedFigures() : await benchFigures(name)));
  }
  printTable(figures);
}

main().catch((error: unknown) => {
  console.error('Benchmarks failed:', error instanceof Error ? error.stack : error);
  process.exit(1);
});

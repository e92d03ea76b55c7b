import 'reflect-metadata';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { Presets, SingleBar } from 'cli-progress';
import { createLogger } from '../core/logging/logger';
import { CustomerImportStatus } from '../core/import-status';
import { createDataSource } from '../data/data-source';
import { Database } from '../data/database';
import { FlagRegistry } from '../domain/flag/flag-registry';
import { createServices } from '../domain/services';
import { ImportRefused } from '../domain/import/customer-import.service';
import { ImportWorker } from '../domain/import/import-worker';
import { argumentsAndConfig, brandOption, parseOptions, UsageError } from './cli';
import { runScript } from './run-script';

const USAGE = `Usage: npm run import -- --file customers.csv [--brand B]

Imports a CSV file of customers into the configured database (DATABASE_URL, as the server reads it), by the same
rules and the same code path as POST /imports/customers, and prints the report.
  --file, -f   the CSV file (UTF-8, a header row naming externalId and any other columns)
  --brand, -b  the brand the customers belong to (default: "default", the brand of unauthenticated development requests)`;

/** Errors listed in the printed report; the rest are counted (all of them are in customerImport.errors). */
const REPORTED_ERRORS = 20;
function parseImportArgs(argv: string[]): { file: string; brand: string } | 'help' {
  const values = parseOptions(argv, {
    file: { type: 'string', short: 'f' },
    brand: { type: 'string', short: 'b', default: 'default' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) return 'help';
  if (values.file === undefined || values.file.trim() === '') throw new UsageError('--file is required.');
  return { file: values.file, brand: brandOption(values.brand) };
}

async function main(argv: string[]): Promise<number> {
  const start = argumentsAndConfig(argv, USAGE, parseImportArgs);
  if (typeof start === 'number') return start;
  const { args, config } = start;
  const file = await stat(args.file).catch((error: NodeJS.ErrnoException) => error);
  if (file instanceof Error || !file.isFile()) {
    console.error(`Cannot read ${args.file}: ${file instanceof Error ? file.message : 'not a file'}`);
    return 1;
  }

  const registry = FlagRegistry.fromFile(config.flagsFile);
  const dataSource = createDataSource(config.database);
  await dataSource.initialize();
  try {
    await dataSource.runMigrations({ transaction: 'each' });
    const database = new Database(dataSource);
    const services = createServices(database, config.cursorSecret, registry);
    const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
    const started = Date.now();
    let job;
    try {
      // A local file has no upload limit; it is streamed like a request body all the same.
      job = await services.imports.receive(args.brand, createReadStream(args.file), {
        maxBytes: Number.MAX_SAFE_INTEGER,
        chunkRows: config.imports.chunkRows,
      });
    } catch (error) {
      if (error instanceof ImportRefused) {
        console.error(`Cannot import ${args.file}: ${error.message}`);
        return 1;
      }
      if ((error as NodeJS.ErrnoException).code !== undefined && (error as NodeJS.ErrnoException).syscall !== undefined) {
        console.error(`Cannot read ${args.file}: ${(error as Error).message}`);
        return 1;
      }
      throw error;
    }
    console.error(`Import ${job.id}: ${job.totalRows} rows of ${args.file} stored for brand "${args.brand}"; applying them`);

    const bar = new SingleBar(
      {
        format: '{bar} {percentage}% | {value}/{total} rows | {rate} rows/s | ETA {eta_formatted}',
        hideCursor: true,
        stream: process.stderr,
        // Without a terminal (a log, a CI job), a progress line every few seconds instead of a redrawn bar.
        noTTYOutput: true,
        notTTYSchedule: 2000,
      },
      Presets.shades_classic,
    );
    const applying = Date.now();
    bar.start(job.totalRows, 0, { rate: 0 });
    const showProgress = (processed: number) =>
      bar.update(processed, { rate: Math.round(processed / Math.max((Date.now() - applying) / 1000, 0.001)) });
    const worker = new ImportWorker({
      database,
      customers: services.customers,
      owner: `cli:${hostname().slice(0, 40)}:${process.pid}`,
      leaseMs: config.imports.leaseMs,
      pollMs: Math.min(config.imports.pollMs, 500),
      chunksInFlight: config.imports.chunksInFlight,
      onError: (error) => logger.warn({ err: error }, 'import: a chunk failed; retrying'),
      onChunk: (progress) => showProgress(progress.rowsProcessed),
    });
    // A server on the same database may take the import first; its progress is shown all the same.
    const poll = setInterval(() => {
      void database.read.imports.findAny(job.id).then(
        (current) => current && showProgress(current.rowsProcessed),
        () => undefined,
      );
    }, 1000);
    let finished;
    try {
      finished = await worker.runToEnd(job.id);
    } finally {
      clearInterval(poll);
      showProgress((await database.read.imports.findAny(job.id))?.rowsProcessed ?? 0);
      bar.stop();
    }
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `Import ${finished.id} ${finished.status}: ${finished.rowsProcessed} of ${finished.totalRows} rows, ${finished.created} created, ` +
        `${finished.updated} updated, ${finished.failed} failed, in ${seconds.toFixed(1)} s (${Math.round(finished.rowsProcessed / Math.max(seconds, 0.001))} rows/s)`,
    );
    if (finished.failure) console.log(`Failure: ${finished.failure}`);
    const errors = await database.read.imports.errorsPage(finished.id, null, REPORTED_ERRORS + 1);
    for (const error of errors.slice(0, REPORTED_ERRORS)) {
      console.log(`  row ${error.row}${error.column === null ? '' : `, ${error.column}`}: ${error.code} ${error.message}`);
    }
    if (errors.length > REPORTED_ERRORS) {
      console.log(`  … ${finished.errorCount - REPORTED_ERRORS} more errors: query customerImport(id: "${finished.id}") { errors { … } }`);
    }
    return finished.status === CustomerImportStatus.SUCCEEDED ? 0 : 1;
  } finally {
    await dataSource.destroy();
  }
}

runScript(main);

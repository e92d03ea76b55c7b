import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { SingleBar, Presets } from 'cli-progress';
import { ConfigError, loadConfig } from '../core/config';
import { createDataSource } from '../data/data-source';
import { Database } from '../data/database';
import { seedCustomers } from './seed-customers';
import { runScript } from './run-script';

const USAGE = `Usage: npm run seed -- --count N [--brand B]

Fills the configured database (DATABASE_URL, as the server reads it) with N realistic customers.
  --count, -n  how many customers to insert (1 to 10000000)
  --brand, -b  the brand they belong to (default: "default", the brand of unauthenticated development requests)`;

const MAX_COUNT = 10_000_000;
const BRAND_MAX_LENGTH = 64;

interface SeedArgs {
  count: number;
  brand: string;
}

class UsageError extends Error {}

function parseSeedArgs(argv: string[]): SeedArgs | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        count: { type: 'string', short: 'n' },
        brand: { type: 'string', short: 'b', default: 'default' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) return 'help';
  if (values.count === undefined) throw new UsageError('--count is required.');
  const count = Number(values.count);
  if (!/^\d+$/.test(values.count.trim()) || !Number.isSafeInteger(count) || count < 1 || count > MAX_COUNT) {
    throw new UsageError(`--count must be a whole number from 1 to ${MAX_COUNT}, got "${values.count}".`);
  }
  const brand = values.brand.trim();
  if (brand === '' || brand.length > BRAND_MAX_LENGTH) {
    throw new UsageError(`--brand must be 1 to ${BRAND_MAX_LENGTH} characters, got "${values.brand}".`);
  }
  return { count, brand };
}

async function main(argv: string[]): Promise<number> {
  let args: SeedArgs | 'help';
  let config;
  try {
    args = parseSeedArgs(argv);
    config = loadConfig();
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError) {
      console.error(`${error.message}\n\n${USAGE}`);
      return 1;
    }
    throw error;
  }
  if (args === 'help') {
    console.log(USAGE);
    return 0;
  }

  const dataSource = createDataSource(config.database);
  await dataSource.initialize();
  try {
    await dataSource.runMigrations({ transaction: 'each' });
    const where = config.database.dialect === 'sqlite' ? config.database.path : `${config.database.host}/${config.database.database}`;
    console.log(`Seeding ${args.count} customers of brand "${args.brand}" into ${config.database.dialect} ${where}`);

    const bar = new SingleBar(
      { format: '{bar} {percentage}% | {value}/{total} customers | {rate} rows/s | ETA {eta_formatted}', hideCursor: true },
      Presets.shades_classic,
    );
    const barStarted = Date.now();
    bar.start(args.count, 0, { rate: 0 });
    const result = await seedCustomers(new Database(dataSource), {
      count: args.count,
      brand: args.brand,
      onProgress: (inserted) => bar.update(inserted, { rate: Math.round(inserted / Math.max((Date.now() - barStarted) / 1000, 0.001)) }),
    });
    bar.stop();
    const rate = Math.round(result.inserted / Math.max(result.seconds, 0.001));
    console.log(`Inserted ${result.inserted} customers in ${result.seconds.toFixed(1)} s: ${rate} rows/s`);
    return 0;
  } finally {
    await dataSource.destroy();
  }
}

runScript(main);

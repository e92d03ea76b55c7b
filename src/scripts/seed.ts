import 'reflect-metadata';
import { SingleBar, Presets } from 'cli-progress';
import { createDataSource } from '../data/data-source';
import { Database } from '../data/database';
import { seedCustomers } from './seed-customers';
import { argumentsAndConfig, brandOption, parseOptions, UsageError } from './cli';
import { runScript } from './run-script';

const USAGE = `Usage: npm run seed -- --count N [--brand B]

Fills the configured database (DATABASE_URL, as the server reads it) with N realistic customers.
  --count, -n  how many customers to insert (1 to 10000000)
  --brand, -b  the brand they belong to (default: "default", the brand of unauthenticated development requests)`;

const MAX_COUNT = 10_000_000;

interface SeedArgs {
  count: number;
  brand: string;
}

function parseSeedArgs(argv: string[]): SeedArgs | 'help' {
  const values = parseOptions(argv, {
    count: { type: 'string', short: 'n' },
    brand: { type: 'string', short: 'b', default: 'default' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) return 'help';
  if (values.count === undefined) throw new UsageError('--count is required.');
  const count = Number(values.count);
  if (!/^\d+$/.test(values.count.trim()) || !Number.isSafeInteger(count) || count < 1 || count > MAX_COUNT) {
    throw new UsageError(`--count must be a whole number from 1 to ${MAX_COUNT}, got "${values.count}".`);
  }
  return { count, brand: brandOption(values.brand) };
}

async function main(argv: string[]): Promise<number> {
  const start = argumentsAndConfig(argv, USAGE, parseSeedArgs);
  if (typeof start === 'number') return start;
  const { args, config } = start;
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

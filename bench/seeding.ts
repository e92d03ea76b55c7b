import { Presets, SingleBar } from 'cli-progress';
import { seedCustomers } from '../src/scripts/seed-customers';
import { RunningServer } from '../src/server';

/** Seeds the brand up to `rows` customers with the seed fast path (with a progress bar), when it holds fewer. */
export async function seedBrandTo(server: RunningServer, brand: string, rows: number): Promise<void> {
  const [{ present }] = (await server.dataSource.query('SELECT COUNT(*) AS present FROM customers WHERE brand = ?', [brand])) as [
    { present: number | string },
  ];
  const missing = rows - Number(present);
  if (missing <= 0) {
    console.log(`Database holds ${present} customers of brand "${brand}"; no seeding needed.`);
    return;
  }
  console.log(`Database holds ${present} customers; seeding ${missing} more.`);
  const bar = new SingleBar({ format: '{bar} {percentage}% | {value}/{total} customers | ETA {eta_formatted}' }, Presets.shades_classic);
  bar.start(missing, 0);
  const result = await seedCustomers(server.database, { count: missing, brand, onProgress: (inserted) => bar.update(inserted) });
  bar.stop();
  console.log(
    `Seeded ${result.inserted} customers in ${result.seconds.toFixed(1)} s (${Math.round(result.inserted / result.seconds)} rows/s).`,
  );
}

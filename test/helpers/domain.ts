import { resolve } from 'node:path';
import { createDataSource } from '../../src/data/data-source';
import { Database } from '../../src/data/database';
import { FlagRegistry } from '../../src/domain/flag/flag-registry';
import { createServices, Services } from '../../src/domain/services';

/** A clock the test moves by hand; every service of a domain harness reads its time from it. */
export class ManualClock {
  private current: number;

  constructor(start = '2026-01-05T09:00:00.000Z') {
    this.current = Date.parse(start);
  }

  readonly now = (): Date => new Date(this.current);

  advance(milliseconds: number): Date {
    this.current += milliseconds;
    return this.now();
  }
}

export interface DomainHarness {
  services: Services;
  database: Database;
  clock: ManualClock;
  close(): Promise<void>;
}

/**
 * The domain services on a fresh in-memory SQLite database with every migration applied, the project's flag
 * registry and a manual clock: the services' rules tested without HTTP or GraphQL.
 */
export async function openDomain(): Promise<DomainHarness> {
  const dataSource = createDataSource({ dialect: 'sqlite', path: ':memory:' });
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  const database = new Database(dataSource);
  const clock = new ManualClock();
  const registry = FlagRegistry.fromFile(resolve(__dirname, '../../config/flags.json'));
  const services = createServices(database, 'domain-tests-cursor-secret-of-32-characters', registry, { now: clock.now });
  return { services, database, clock, close: () => dataSource.destroy() };
}

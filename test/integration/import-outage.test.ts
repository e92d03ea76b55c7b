import { appendFileSync } from 'node:fs';
import { csvOf } from '../helpers/imports';
import { PrivateMariaDb } from '../helpers/private-mariadb';
import { MYSQL_RUN_MARKER } from '../helpers/run-marker';
import { ServiceProcess, startServiceProcess, until } from '../helpers/service-process';
import { describeDb, dialect } from '../helpers/test-server';

jest.setTimeout(180_000);

/**
 * The database crashes (SIGKILL) in the middle of an import and comes back: the
 * server's worker keeps its lease, waits, and goes on where the last committed
 * chunk left off, on a private MariaDB so the shared test server is not disturbed.
 */
(dialect === 'mysql' ? describeDb : describe.skip)('an import across a database crash', () => {
  let mariadb: PrivateMariaDb | undefined;
  let service: ServiceProcess | undefined;

  afterAll(async () => {
    service?.child.kill('SIGKILL');
    if (service) await service.exited;
    await mariadb?.destroy();
  });

  it('resumes when the database is back, with every row applied once', async () => {
    if (!(await PrivateMariaDb.available())) throw new Error('mariadb-install-db and mariadbd must be on PATH for this test');
    appendFileSync(MYSQL_RUN_MARKER, 'import-outage.test.ts\n');
    mariadb = await PrivateMariaDb.create();
    const db = mariadb;
    await db.query(['CREATE DATABASE customer_import_outage CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci']);
    // A lease far longer than the test: the worker goes on because the lease is still its own, not because it lapsed.
    service = await startServiceProcess({
      DATABASE_URL: db.url('customer_import_outage'),
      IMPORT_CHUNK_ROWS: '200',
      IMPORT_POLL_MS: '100',
      IMPORT_LEASE_MS: '600000',
    });
    const size = 12_000;
    const rows = Array.from({ length: size }, (_, index) => [`outage-${index}`, 'Outage', `Row${'abcdef'[index % 6]}`]);
    const response = await fetch(new URL('/imports/customers', service.url), {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: csvOf(['externalId', 'givenName', 'familyName'], rows),
    });
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as { id: string };
    type Row = Record<string, number | string>;
    const select = async (sql: string): Promise<Row[]> => (await db.query<Row[]>([sql], 'customer_import_outage'))[0]!;
    const progress = () => select(`SELECT status, rows_processed, created, updated, failed FROM customer_imports WHERE id = '${id}'`);
    await until('a part of the import is applied', async () => Number((await progress())[0]?.rows_processed ?? 0) >= 1000, 120_000, 10);

    const [before] = await progress();
    expect([before!.status, Number(before!.rows_processed) < size]).toEqual(['RUNNING', true]);
    await db.kill();
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await db.start();

    await until('the import has finished', async () => (await progress().catch(() => []))[0]?.status === 'SUCCEEDED', 120_000, 200);
    const [done] = await progress();
    expect([Number(done!.rows_processed), Number(done!.created), Number(done!.updated), Number(done!.failed)]).toEqual([size, size, 0, 0]);
    const [customers] = await select('SELECT COUNT(*) AS n FROM customers');
    expect(Number(customers!.n)).toBe(size);
    const [events] = await select("SELECT COUNT(*) AS n FROM customer_events WHERE type = 'CREATED'");
    expect(Number(events!.n)).toBe(size);
    expect(service.child.exitCode).toBeNull();
  });
});

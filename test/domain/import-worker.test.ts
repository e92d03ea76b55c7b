import { Readable } from 'node:stream';
import { CustomerImportStatus, RECEIVING_STATUS } from '../../src/core/import-status';
import { ImportWorker } from '../../src/domain/import/import-worker';
import { DomainHarness, openDomain } from '../helpers/domain';

const BRAND = 'brand-a';
const LEASE_MS = 10_000;

describe('ImportWorker (leases and exactly-once chunks on SQLite, manual clock)', () => {
  let domain: DomainHarness;
  const errors: unknown[] = [];
  beforeEach(async () => {
    domain = await openDomain();
    errors.length = 0;
  });
  afterEach(() => domain.close());

  const worker = (owner: string, onChunk?: () => void) =>
    new ImportWorker({
      onChunk,
      database: domain.database,
      customers: domain.services.customers,
      owner,
      leaseMs: LEASE_MS,
      pollMs: 10,
      chunksInFlight: 2,
      now: domain.clock.now,
      onError: (error) => errors.push(error),
    });
  const receive = (rows: number) => {
    const lines = ['externalId,givenName', ...Array.from({ length: rows }, (_, index) => `ext-${index},Name`)];
    return domain.services.imports.receive(BRAND, Readable.from([`${lines.join('\n')}\n`]), { maxBytes: 1_000_000, chunkRows: 10 });
  };
  const stored = (id: string) => domain.database.read.imports.findAny(id);
  const customers = async () => Number((await domain.database.dataSource.query('SELECT COUNT(*) AS n FROM customers'))[0].n);

  it('runs an import to its end on the worker that holds its lease; another waits until the lease lapses', async () => {
    const job = await receive(35);
    expect([job.status, job.totalRows, job.chunkCount]).toEqual([CustomerImportStatus.QUEUED, 35, 4]);
    const holder = worker('holder');
    // The holder takes the lease and is stopped before any chunk: the lease stays, as after a crash.
    expect(
      await domain.database.transaction((r) =>
        r.imports.acquireLease(
          job.id,
          ['QUEUED'],
          'holder',
          domain.clock.now(),
          new Date(domain.clock.now().getTime() + LEASE_MS),
          'RUNNING',
        ),
      ),
    ).toBe(true);
    const other = worker('other');
    const waiting = other.runToEnd(job.id);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await stored(job.id))?.chunksApplied).toBe(0);
    domain.clock.advance(LEASE_MS + 1);
    const finished = await waiting;
    expect([finished.status, finished.created, finished.rowsProcessed, finished.chunksApplied, finished.leasedBy]).toEqual([
      CustomerImportStatus.SUCCEEDED,
      35,
      35,
      4,
      null,
    ]);
    expect(await customers()).toBe(35);
    void holder;
  });

  it('rolls a chunk back when the lease passed to another worker meanwhile, so no row is applied twice', async () => {
    const job = await receive(40);
    const until = (ms: number) => new Date(domain.clock.now().getTime() + ms);
    let taken = false;
    // After the first chunk commits, the lease passes to "taker" (as when "late" stalled past its lease): the chunk
    // "late" has in flight must then find the import taken and roll back.
    const late = worker('late', () => {
      if (taken) return;
      taken = true;
      void domain.database.transaction((r) =>
        r.imports.acquireLease(job.id, ['RUNNING'], 'taker', until(LEASE_MS + 1), until(3 * LEASE_MS), 'RUNNING'),
      );
    });
    const lateRun = late.runToEnd(job.id);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const between = await stored(job.id);
    expect(between?.leasedBy).toBe('taker');
    expect(between!.chunksApplied).toBeLessThan(4);
    expect(await customers()).toBe(between!.created);
    domain.clock.advance(3 * LEASE_MS + 1);
    const finished = await worker('taker').runToEnd(job.id);
    await late.stop();
    expect([finished.status, finished.created, finished.updated, finished.rowsProcessed, finished.chunksApplied]).toEqual([
      CustomerImportStatus.SUCCEEDED,
      40,
      0,
      40,
      4,
    ]);
    expect(await customers()).toBe(40);
    await lateRun;
  });

  it('removes an upload left RECEIVING for an hour, with its chunks', async () => {
    const job = await receive(15);
    await domain.database.dataSource.query('UPDATE customer_imports SET status = ? WHERE id = ?', [RECEIVING_STATUS, job.id]);
    expect(await domain.services.imports.find(BRAND, job.id)).toBeNull();
    const sweeper = worker('sweeper');
    sweeper.start();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await stored(job.id)).not.toBeNull();
    domain.clock.advance(60 * 60 * 1000 + 1);
    sweeper.wake();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await sweeper.stop();
    expect(await stored(job.id)).toBeNull();
    expect(Number((await domain.database.dataSource.query('SELECT COUNT(*) AS n FROM customer_import_chunks'))[0].n)).toBe(0);
    expect(errors).toEqual([]);
  });
});

import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../src/core/config';
import { createLogger } from '../../src/core/logging/logger';
import { RunningServer, startServer } from '../../src/server';
import { PrivateMariaDb } from '../helpers/private-mariadb';
import { MYSQL_RUN_MARKER } from '../helpers/run-marker';
import { describeDb, dialect } from '../helpers/test-server';

/**
 * Kills the database under load (SIGKILL: a crash, not a clean shutdown) and
 * restarts it, on a private MariaDB so the shared test server is not disturbed.
 * Measures how fast requests fail during the outage and how fast the service
 * recovers on its own; figures go to test-results/outage-figures.json.
 */

const CREATE_CUSTOMER = /* GraphQL */ `
  mutation Create($input: CreateCustomerInput!) {
    createCustomer(input: $input) {
      customer {
        id
      }
      userErrors {
        code
      }
    }
  }
`;
const LOAD_LOOPS = 10;
const OUTAGE_MS = 4000;
const FAIL_WITHIN_MS = 3000;
const RECOVER_WITHIN_MS = 15_000;
/** A request that takes this long is reported as hung rather than awaited for ever. */
const HANG_MS = 10_000;
const FIGURES_FILE = join(__dirname, '..', '..', 'test-results', 'outage-figures.json');

interface Attempt {
  startedAt: number;
  latencyMs: number;
  /** The created customer's id, when the response carried one and no errors. */
  id?: string;
  /** The first error's extensions.code, or what went wrong on the wire. */
  code?: string;
}

interface Probe {
  at: number;
  ready: number;
  health: number;
}

interface Observations {
  attempts: Attempt[];
  probesDuringOutage: Probe[];
  killedAt: number;
  outageEndedAt: number;
  restartedAt: number;
  recoveredAt: number | undefined;
  readyAfterRecovery: number | undefined;
  acknowledged: string[];
  stored: Set<string>;
  unhandled: unknown[];
}

/** Names take letters only: 27 → "bb". */
const lettersOf = (n: number): string => n.toString(26).replace(/./g, (digit) => String.fromCharCode(97 + parseInt(digit, 26)));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function createOne(url: string, n: number): Promise<Attempt> {
  const startedAt = Date.now();
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: CREATE_CUSTOMER, variables: { input: { givenName: 'Load', familyName: `Run ${lettersOf(n)}` } } }),
      signal: AbortSignal.timeout(HANG_MS),
    });
    const body = (await response.json()) as {
      data?: { createCustomer?: { customer: { id: string } | null; userErrors: Array<{ code: string }> } } | null;
      errors?: Array<{ extensions?: { code?: unknown } }>;
    };
    const latencyMs = Date.now() - startedAt;
    const payload = body.data?.createCustomer;
    if (!body.errors?.length && payload?.customer && payload.userErrors.length === 0)
      return { startedAt, latencyMs, id: payload.customer.id };
    const code = body.errors?.[0]?.extensions?.code ?? payload?.userErrors[0]?.code ?? `HTTP ${response.status}`;
    return { startedAt, latencyMs, code: String(code) };
  } catch (error) {
    const name = error instanceof Error ? error.name : 'Error';
    return { startedAt, latencyMs: Date.now() - startedAt, code: name === 'TimeoutError' ? 'HUNG' : `FETCH ${name}` };
  }
}

async function probe(server: RunningServer): Promise<Probe> {
  const origin = new URL(server.url).origin;
  const status = (path: string) =>
    fetch(origin + path, { signal: AbortSignal.timeout(HANG_MS) }).then(
      (response) => response.status,
      () => -1,
    );
  const [ready, health] = await Promise.all([status('/ready'), status('/health')]);
  return { at: Date.now(), ready, health };
}

describeDb('when the database crashes under load', () => {
  if (dialect !== 'mysql') {
    it.skip('runs on MySQL/MariaDB only: it kills and restarts a private MariaDB server', () => undefined);
    return;
  }

  let mariadb: PrivateMariaDb | undefined;
  let server: RunningServer | undefined;
  let seen: Observations;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  beforeAll(async () => {
    if (!(await PrivateMariaDb.available())) throw new Error('mariadb-install-db and mariadbd must be on PATH for this test');
    appendFileSync(MYSQL_RUN_MARKER, 'database-outage.test.ts\n');
    process.on('unhandledRejection', onUnhandled);
    process.on('uncaughtException', onUnhandled);

    mariadb = await PrivateMariaDb.create();
    await mariadb.query(['CREATE DATABASE customer_outage CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci']);
    // OUTAGE_LOG_LEVEL=warn shows how the service classified each failure.
    const config = loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: process.env.OUTAGE_LOG_LEVEL ?? 'silent',
      PORT: '0',
      DATABASE_URL: mariadb.url('customer_outage'),
    });
    server = await startServer(config, createLogger(config.logLevel));
    seen = await runOutage(mariadb, server);
  }, 80_000);

  afterAll(async () => {
    process.removeListener('unhandledRejection', onUnhandled);
    process.removeListener('uncaughtException', onUnhandled);
    try {
      await Promise.race([server?.stop(), new Promise((resolve) => setTimeout(resolve, 15_000).unref())]);
    } finally {
      await mariadb?.destroy();
    }
  }, 30_000);

  async function runOutage(db: PrivateMariaDb, running: RunningServer): Promise<Observations> {
    const attempts: Attempt[] = [];
    let loading = true;
    let sequence = 0;
    const loops = Array.from({ length: LOAD_LOOPS }, async () => {
      while (loading) {
        const attempt = await createOne(running.url, ++sequence);
        attempts.push(attempt);
        // Failures come back fast; pause a little so the loops do not spin.
        if (!attempt.id) await sleep(20);
      }
    });

    await sleep(1500);
    const killedAt = Date.now();
    await db.kill();
    const probesDuringOutage: Probe[] = [];
    while (Date.now() - killedAt < OUTAGE_MS) {
      await sleep(500);
      probesDuringOutage.push(await probe(running));
    }

    // The outage ends when the restart begins: requests may succeed before start() has seen the server answer.
    const outageEndedAt = Date.now();
    await db.start();
    const restartedAt = Date.now();
    let recoveredAt: number | undefined;
    while (recoveredAt === undefined && Date.now() - restartedAt < RECOVER_WITHIN_MS) {
      await sleep(10);
      // Attempts are recorded as they complete: the first success after the kill is the first after the restart.
      const first = attempts.find((attempt) => attempt.id && attempt.startedAt >= killedAt);
      if (first) recoveredAt = first.startedAt + first.latencyMs;
    }
    const readyAfterRecovery = (await probe(running)).ready;
    // Some more load after recovery, then stop and let every loop finish its request.
    await sleep(500);
    loading = false;
    await Promise.all(loops);

    const acknowledged = attempts.flatMap((attempt) => (attempt.id ? [attempt.id] : []));
    const [rows] = await db.query<Array<{ id: string }>>(['SELECT id FROM customers'], 'customer_outage');
    return {
      attempts,
      probesDuringOutage,
      killedAt,
      outageEndedAt,
      restartedAt,
      recoveredAt,
      readyAfterRecovery,
      acknowledged,
      stored: new Set(rows.map((row) => row.id)),
      unhandled: [...unhandled],
    };
  }

  const failures = () => seen.attempts.filter((attempt) => !attempt.id);

  it('writes the measured figures to test-results/outage-figures.json', () => {
    const failed = failures();
    const figures = {
      loadLoops: LOAD_LOOPS,
      outageMs: seen.outageEndedAt - seen.killedAt,
      restartMs: seen.restartedAt - seen.outageEndedAt,
      requests: seen.attempts.length,
      acknowledged: seen.acknowledged.length,
      failed: failed.length,
      timeToFailMs: Math.max(0, ...failed.map((attempt) => attempt.latencyMs)),
      timeToRecoverMs: seen.recoveredAt === undefined ? null : seen.recoveredAt - seen.restartedAt,
      failureCodes: [...new Set(failed.map((attempt) => attempt.code))],
    };
    mkdirSync(join(FIGURES_FILE, '..'), { recursive: true });
    writeFileSync(FIGURES_FILE, `${JSON.stringify(figures, null, 2)}\n`);
    expect(figures.requests).toBeGreaterThan(0);
  });

  it('acknowledged writes before the crash', () => {
    expect(seen.attempts.some((attempt) => attempt.id && attempt.startedAt < seen.killedAt)).toBe(true);
  });

  it('fails requests during the outage with SERVICE_UNAVAILABLE, each within 3 seconds', () => {
    const duringOutage = seen.attempts.filter((attempt) => attempt.startedAt >= seen.killedAt && attempt.startedAt < seen.outageEndedAt);
    expect(duringOutage.length).toBeGreaterThan(LOAD_LOOPS);
    expect(duringOutage.filter((attempt) => attempt.id)).toEqual([]);
    // Every failure of the whole run, including those in flight at the kill: no other code, no hang.
    expect(failures().filter((attempt) => attempt.code !== 'SERVICE_UNAVAILABLE')).toEqual([]);
    expect(Math.max(...failures().map((attempt) => attempt.latencyMs))).toBeLessThan(FAIL_WITHIN_MS);
  });

  it('answers /ready with 503 and /health with 200 during the outage', () => {
    expect(seen.probesDuringOutage.length).toBeGreaterThan(0);
    for (const probed of seen.probesDuringOutage)
      expect({ ready: probed.ready, health: probed.health }).toEqual({ ready: 503, health: 200 });
  });

  it('recovers by itself once the database is back: createCustomer succeeds and /ready answers 200', () => {
    expect(seen.recoveredAt).toBeDefined();
    expect(seen.readyAfterRecovery).toBe(200);
    expect(seen.attempts.filter((attempt) => attempt.id && attempt.startedAt >= (seen.recoveredAt ?? Infinity)).length).toBeGreaterThan(0);
  });

  it('loses no acknowledged write', () => {
    expect(seen.acknowledged.length).toBeGreaterThan(0);
    expect(seen.acknowledged.filter((id) => !seen.stored.has(id))).toEqual([]);
  });

  it('raises no unhandled rejection or uncaught exception', () => {
    expect(seen.unhandled).toEqual([]);
  });
});

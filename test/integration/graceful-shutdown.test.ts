import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createConnection, RowDataPacket } from 'mysql2/promise';
import { createValidCustomer } from '../helpers/customer-api';
import { onTestServer, serverUrl } from '../helpers/mysql-server';
import { ROOT, spawnService, startServiceProcess } from '../helpers/service-process';
import { describeDb, dialect, startTestServer, TestServer } from '../helpers/test-server';

/**
 * Shutdown as the router and the orchestrator see it: readiness turns 503, new
 * connections are refused, a request in flight still gets its answer, the pool
 * closes and the process exits 0. The slow request is addCustomerFlag on a
 * customer whose row the test holds: on MySQL a `SELECT … FOR UPDATE` from a
 * connection of its own, on SQLite (in process) the service's transaction
 * queue, and (as a child process) the database file's write lock.
 */

const ADD_FLAG = /* GraphQL */ `
  mutation Flag($customerId: ID!, $flag: String!) {
    addCustomerFlag(customerId: $customerId, flag: $flag) {
      customer {
        id
        flags {
          nodes {
            name
          }
        }
      }
      userErrors {
        code
      }
    }
  }
`;
const CREATE_CUSTOMER = /* GraphQL */ `
  mutation {
    createCustomer(input: { givenName: "Held", familyName: "Row" }) {
      customer {
        id
      }
      userErrors {
        code
      }
    }
  }
`;
/** Eight heavy reads at once, as a busy router sends them: each a full page of customers with every field. */
const HEAVY_REQUESTS = 8;
const HEAVY_QUERY = /* GraphQL */ `
  {
    customers(first: 1000) {
      nodes {
        id
        externalId
        givenName
        familyName
        name
        emailAddress
        metadata
        createdAt
        updatedAt
        version
      }
    }
  }
`;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
/** Like sleep, but keeps neither the test process nor jest waiting. */
const timeout = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());

interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** Whether the request went over a kept-alive connection that an earlier request opened. */
  reusedSocket: boolean;
}

/** One HTTP request with node:http, so that the test decides which connection it uses (`agent: false`: a new one). */
function send(port: number, path: string, options: { agent: Agent | false; body?: unknown }): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path,
        method: payload === undefined ? 'GET' : 'POST',
        agent: options.agent,
        headers: payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
        timeout: 20_000,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, reusedSocket: req.reusedSocket }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${path} did not answer within 20 s`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/**
 * `npx tsc -p tsconfig.build.json` (incremental: fast when dist is current), one build at a time: the SQLite and
 * MySQL halves run this file in parallel workers, and two compilers writing dist at once could leave it half written.
 */
async function buildOnce(): Promise<void> {
  const lock = join(tmpdir(), `customer-subgraph-build-${createHash('sha256').update(ROOT).digest('hex').slice(0, 12)}.lock`);
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // A lock older than any build is left over from a killed run.
      if (Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > 120_000)
        rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`another build held ${lock} for 2 minutes`, { cause: error });
      await sleep(200);
    }
  }
  try {
    await promisify(execFile)('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, timeout: 120_000 });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** A POST to /graphql on a new connection whose body is sent up to `split` bytes now and the rest on `sendRest()`. */
function sendInParts(port: number, body: string, split: number): { answer: Promise<HttpAnswer>; sendRest(): void } {
  let rest!: () => void;
  const answer = new Promise<HttpAnswer>((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path: '/graphql',
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text, reusedSocket: false }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.flushHeaders();
    if (split > 0) req.write(body.slice(0, split));
    rest = () => req.end(body.slice(split));
  });
  return { answer, sendRest: () => rest() };
}

/** Requests the test may leave unanswered when it fails early: marked handled, so that a late error cannot crash the worker. */
function handled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

/** Settles with whether `promise` is still pending after `ms`. */
async function stillPending(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let settled = false;
  void promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await sleep(ms);
  return !settled;
}

/** Polls until `check` holds, or fails after `timeoutMs`. */
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(25);
  }
}

interface RowHold {
  /** Resolves once a statement of the service waits for the held row (or, where that cannot be seen, after a pause). */
  untilWaited(): Promise<void>;
  /** Idempotent. */
  release(): Promise<void>;
}

/** Holds not yet released; a failed test's hooks release them, so that stopping its server does not wait for the lock. */
const openHolds = new Set<RowHold>();

function tracked(hold: RowHold): RowHold {
  let released: Promise<void> | undefined;
  const wrapped: RowHold = {
    untilWaited: () => hold.untilWaited(),
    release() {
      openHolds.delete(wrapped);
      released ??= hold.release();
      return released;
    },
  };
  openHolds.add(wrapped);
  return wrapped;
}

async function releaseOpenHolds(): Promise<void> {
  await Promise.allSettled([...openHolds].map((hold) => hold.release()));
}

/** MySQL: locks the customer row from a connection of the test's own, in an open transaction. */
async function holdMysqlRow(database: string, customerId: string): Promise<RowHold> {
  const connection = await createConnection({ uri: serverUrl(database) });
  await connection.query('BEGIN');
  await connection.query('SELECT id FROM customers WHERE id = ? FOR UPDATE', [customerId]);
  return tracked({
    untilWaited: () =>
      until('the service waits for the row lock', async () => {
        // MariaDB shows the waiting locking read in the process list (state "Statistics"), not always in INNODB_TRX.
        const [rows] = await connection.query<RowDataPacket[]>(
          `SELECT COUNT(*) AS waiting FROM information_schema.PROCESSLIST
            WHERE DB = ? AND ID <> CONNECTION_ID() AND COMMAND = 'Query' AND INFO LIKE '%FOR UPDATE%'`,
          [database],
        );
        return Number(rows[0]?.waiting) > 0;
      }),
    async release() {
      await connection.query('COMMIT');
      await connection.end();
    },
  });
}

/** SQLite in process: holds the service's transaction queue (one connection, transactions run one after another). */
function holdSqliteQueue(t: TestServer): RowHold {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const held = t.server.database.transaction(() => gate);
  return tracked({
    untilWaited: () => sleep(200),
    async release() {
      open();
      await held;
    },
  });
}

describeDb('graceful shutdown', () => {
  describe('in process: server.stop()', () => {
    let t: TestServer | undefined;

    afterEach(async () => {
      await releaseOpenHolds();
      await t?.close();
      t = undefined;
    }, 30_000);

    async function holdRow(server: TestServer, customerId: string): Promise<RowHold> {
      return dialect === 'mysql' ? holdMysqlRow(String(server.server.dataSource.options.database), customerId) : holdSqliteQueue(server);
    }

    it('turns readiness off, refuses new connections, lets the request in flight finish, then closes the pool', async () => {
      t = await startTestServer();
      const { port } = t.server;
      const customer = await createValidCustomer(t, { givenName: 'Held', familyName: 'Row' });
      const hold = await holdRow(t, customer.id);
      const inFlight = handled(
        send(port, '/graphql', {
          agent: new Agent({ keepAlive: true }),
          body: { query: ADD_FLAG, variables: { customerId: customer.id, flag: 'vip' } },
        }),
      );
      await hold.untilWaited();
      expect(await stillPending(inFlight, 50)).toBe(true);

      const stopping = handled(t.server.stop());
      expect(t.server.lifecycle.shuttingDown).toBe(true);
      // The listener closes once the connections already waiting in its backlog are accepted (within a turn or
      // two of the event loop); until then a new connection is served as during shutdown: /ready 503.
      await until('new connections are refused', () =>
        send(port, '/ready', { agent: false }).then(
          (answer) => {
            expect(answer.status).toBe(503);
            return false;
          },
          (error: NodeJS.ErrnoException) => error.code === 'ECONNREFUSED',
        ),
      );
      expect(await stillPending(stopping, 200)).toBe(true);

      await hold.release();
      const released = Date.now();
      const answer = await inFlight;
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body)).toEqual({
        data: { addCustomerFlag: { customer: { id: customer.id, flags: { nodes: [{ name: 'vip' }] } }, userErrors: [] } },
      });
      await stopping;
      // Well inside the 10 s grace period: the kept-alive connection of the finished request does not hold the stop up.
      expect(Date.now() - released).toBeLessThan(2000);
      expect(t.server.dataSource.isInitialized).toBe(false);
    }, 30_000);

    it('with SHUTDOWN_DRAIN_MS, answers /ready with 503 on open keep-alive connections and new ones before the listener closes', async () => {
      t = await startTestServer({ SHUTDOWN_DRAIN_MS: '1000' });
      const { port } = t.server;
      const customer = await createValidCustomer(t, { givenName: 'Held', familyName: 'Row' });
      const keptAlive = new Agent({ keepAlive: true, maxSockets: 1 });
      expect((await send(port, '/ready', { agent: keptAlive })).status).toBe(200);
      const hold = await holdRow(t, customer.id);
      const inFlight = handled(
        send(port, '/graphql', {
          agent: new Agent({ keepAlive: true }),
          body: { query: ADD_FLAG, variables: { customerId: customer.id, flag: 'vip' } },
        }),
      );
      await hold.untilWaited();

      const stopStarted = Date.now();
      const stopping = handled(t.server.stop());
      const onOpenConnection = await send(port, '/ready', { agent: keptAlive });
      expect(onOpenConnection).toMatchObject({ status: 503, reusedSocket: true });
      expect(JSON.parse(onOpenConnection.body)).toEqual({ status: 'shutting down' });
      // A response during shutdown tells the client not to reuse the connection.
      expect(onOpenConnection.headers.connection).toBe('close');
      expect((await send(port, '/ready', { agent: false })).status).toBe(503);
      expect((await send(port, '/health', { agent: false })).status).toBe(200);

      await until('the listener closes after the drain delay', () =>
        send(port, '/health', { agent: false }).then(
          () => false,
          (error: NodeJS.ErrnoException) => error.code === 'ECONNREFUSED',
        ),
      );
      expect(Date.now() - stopStarted).toBeGreaterThanOrEqual(900);
      expect(await stillPending(stopping, 50)).toBe(true);
      await hold.release();
      expect(JSON.parse((await inFlight).body).data.addCustomerFlag.customer.flags.nodes).toEqual([{ name: 'vip' }]);
      await stopping;
      expect(t.server.dataSource.isInitialized).toBe(false);
    }, 30_000);
  });

  describe('as a process: node dist/main.js', () => {
    let scratch = '';
    let mysqlDatabase: string | undefined;

    beforeAll(async () => {
      scratch = mkdtempSync(join(tmpdir(), 'customer-shutdown-'));
      await buildOnce();
      if (dialect === 'mysql') {
        mysqlDatabase = `customer_shutdown_${process.pid}`;
        await onTestServer([
          `DROP DATABASE IF EXISTS ${mysqlDatabase}`,
          `CREATE DATABASE ${mysqlDatabase} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
        ]);
      }
    }, 150_000);

    afterAll(async () => {
      if (scratch) rmSync(scratch, { recursive: true, force: true });
      if (mysqlDatabase) await onTestServer([`DROP DATABASE IF EXISTS ${mysqlDatabase}`]);
    });

    /** The built server on `databaseUrl`, once it printed its start-up line (migrations on a fresh MySQL database take several seconds, more while other test files run). */
    const startService = (databaseUrl: string) => startServiceProcess({ DATABASE_URL: databaseUrl }, [], 'dist/main.js', 45_000);

    it('on SIGTERM answers every request that reached it, also on kept-alive connections whose bytes were not yet read', async () => {
      const sqlitePath = join(scratch, 'drain.sqlite');
      const databaseUrl = mysqlDatabase ? serverUrl(mysqlDatabase) : `sqlite:${sqlitePath}`;
      const service = await startService(databaseUrl);
      const agent = new Agent({ keepAlive: true, maxSockets: HEAVY_REQUESTS / 2 });
      try {
        const inputs = Array.from({ length: 1000 }, (_, index) => ({
          externalId: `drain-${index}`,
          givenName: 'Drain',
          familyName: `Heavy${index.toString(26).replace(/./g, (digit) => String.fromCharCode(97 + parseInt(digit, 26)))}`,
          emailAddress: `drain${index}@example.com`,
          metadata: { index, note: 'x'.repeat(200) },
        }));
        const seeded = await send(service.port, '/graphql', {
          agent: false,
          body: {
            query:
              'mutation($inputs: [UpsertCustomerInput!]!) { upsertCustomers(inputs: $inputs) { results { userErrors { code } } userErrors { code } } }',
            variables: { inputs },
          },
        });
        const seededPayload = JSON.parse(seeded.body).data.upsertCustomers;
        expect(seededPayload.userErrors).toEqual([]);
        expect(seededPayload.results.flatMap((result: { userErrors: unknown[] }) => result.userErrors)).toEqual([]);
        // Half the requests go over kept-alive connections opened (and left idle) first, half over new ones.
        const keptAlive = HEAVY_REQUESTS / 2;
        const warmUps = await Promise.all(Array.from({ length: keptAlive }, () => send(service.port, '/health', { agent })));
        expect(warmUps.map((answer) => answer.status)).toEqual(Array(keptAlive).fill(200));

        const heavy = Array.from({ length: HEAVY_REQUESTS }, (_, index) =>
          handled(send(service.port, '/graphql', { agent: index < keptAlive ? agent : false, body: { query: HEAVY_QUERY } })),
        );
        await sleep(100);
        service.child.kill('SIGTERM');
        const answers = await Promise.allSettled(heavy);
        const outcomes = answers.map((answer) =>
          answer.status === 'fulfilled' ? answer.value.status : String((answer.reason as NodeJS.ErrnoException).code ?? answer.reason),
        );
        expect(outcomes).toEqual(Array(HEAVY_REQUESTS).fill(200));
        for (const answer of answers) {
          const body = JSON.parse((answer as PromiseFulfilledResult<HttpAnswer>).value.body);
          expect(body.data.customers.nodes.length).toBeGreaterThanOrEqual(1000);
        }
        expect(answers.map((answer) => (answer as PromiseFulfilledResult<HttpAnswer>).value.reusedSocket)).toEqual(
          Array.from({ length: HEAVY_REQUESTS }, (_, index) => index < keptAlive),
        );
        const exit = await Promise.race([service.exited, timeout(10_000).then(() => 'still running' as const)]);
        expect(exit).toEqual({ code: 0, signal: null });
      } finally {
        agent.destroy();
        service.child.kill('SIGKILL');
      }
    }, 90_000);

    it.each(['SIGTERM', 'SIGINT'] as const)(
      'prints the start-up line, and on %s answers the request in flight and exits 0',
      async (signal) => {
        const sqlitePath = join(scratch, `${signal}.sqlite`);
        const databaseUrl = mysqlDatabase ? serverUrl(mysqlDatabase) : `sqlite:${sqlitePath}`;
        const service = await startService(databaseUrl);
        try {
          expect(service.port).toBeGreaterThan(0);
          expect(service.output()).toMatch(new RegExp(`^Customer subgraph ready at http://localhost:${service.port}/graphql$`, 'm'));
          const created = JSON.parse((await send(service.port, '/graphql', { agent: false, body: { query: CREATE_CUSTOMER } })).body);
          const customerId: string = created.data.createCustomer.customer.id;

          // In flight at the signal: on MySQL waiting for the row the test holds; on SQLite (whose writers cannot be
          // made to wait from outside: a deferred transaction that meets another writer fails at once with
          // SQLITE_BUSY) with its body only half sent.
          const body = JSON.stringify({ query: ADD_FLAG, variables: { customerId, flag: 'vip' } });
          const hold = mysqlDatabase ? await holdMysqlRow(mysqlDatabase, customerId) : undefined;
          const split = mysqlDatabase ? body.length : Math.floor(body.length / 2);
          const inFlight = sendInParts(service.port, body, split);
          handled(inFlight.answer);
          await (hold ? hold.untilWaited() : sleep(200));
          expect(await stillPending(inFlight.answer, 200)).toBe(true);
          service.child.kill(signal);
          await sleep(300);
          expect(await stillPending(inFlight.answer, 0)).toBe(true);
          await hold?.release();
          inFlight.sendRest();

          const answer = await inFlight.answer;
          expect(JSON.parse(answer.body)).toEqual({
            data: { addCustomerFlag: { customer: { id: customerId, flags: { nodes: [{ name: 'vip' }] } }, userErrors: [] } },
          });
          const exit = await Promise.race([service.exited, timeout(5000).then(() => 'still running' as const)]);
          expect(exit).toEqual({ code: 0, signal: null });
        } finally {
          await releaseOpenHolds();
          service.child.kill('SIGKILL');
        }
      },
      70_000,
    );

    it.each([
      ['PORT', { PORT: 'abc' }],
      ['CUSTOMER_FLAGS_FILE', { CUSTOMER_FLAGS_FILE: join(tmpdir(), 'customer-no-such-flags-file.json') }],
      // Production with the built-in (public) cursor key, like production without AUTH_*.
      ['CURSOR_SECRET', { NODE_ENV: 'production', AUTH_JWT_SECRET: 'a-secret-of-at-least-thirty-two-characters' }],
    ])(
      'exits 1 with a message naming %s when it is bad',
      async (setting, env) => {
        const spawned = spawnService({ DATABASE_URL: 'sqlite::memory:', ...env }, 'dist/main.js');
        const exit = await Promise.race([spawned.exited, timeout(15_000).then(() => 'still running' as const)]);
        spawned.child.kill('SIGKILL');
        expect(exit).toEqual({ code: 1, signal: null });
        expect(spawned.output()).toContain(`Invalid configuration: ${setting}`);
      },
      20_000,
    );
  });
});

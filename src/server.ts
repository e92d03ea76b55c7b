import { once } from 'node:events';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo, Server as NetServer } from 'node:net';
import { DataSource } from 'typeorm';
import { createCustomerApp, CustomerApp, CustomerAppDeps } from './app';
import { Config } from './core/config';
import { createDataSource, DataSourceOptions } from './data/data-source';
import { detectMysqlFlavour, statementTimeoutSql } from './data/mysql-session';
import { SqlStatementLog } from './data/sql-statement-log';
import { FlagRegistry } from './domain/flag/flag-registry';
import { Logger } from './core/logging/logger';

const IDEMPOTENCY_CLEANUP_INTERVAL_MS = 60 * 60 * 1000;
/** During shutdown, the longest the listener stays open to accept connections already waiting in its backlog. */
const BACKLOG_DRAIN_MAX_MS = 1000;
/** During shutdown, how often connections left idle (nothing pending, no request in progress) are closed. */
const IDLE_SWEEP_MS = 100;
/** How often Node looks for requests past their headers or request timeout. */
const TIMEOUT_CHECK_INTERVAL_MS = 1000;

export interface RunningServer extends CustomerApp {
  url: string;
  port: number;
  dataSource: DataSource;
  statementLog: SqlStatementLog;
  /** Graceful stop: readiness 503, after the drain delay no new connections, in-flight requests finish (bounded by the grace period), pool closed. */
  stop(): Promise<void>;
}

/** Opens the database, applies pending migrations, and serves the subgraph on `config.port` (0 picks a free port). */
export async function startServer(
  config: Config,
  logger: Logger,
  options: Pick<CustomerAppDeps, 'explorerBundleDir'> = {},
): Promise<RunningServer> {
  // Read before touching the database, so a bad registry stops the start at once.
  const registry = FlagRegistry.fromFile(config.flagsFile);
  const statementLog = new SqlStatementLog(logger);
  if (config.database.dialect === 'mysql') await migrateWithoutStatementLimit(config, statementLog);
  const dataSource = createDataSource(config.database, { logger: statementLog, ...(await mysqlSessionOptions(config, logger)) });
  await dataSource.initialize();
  try {
    if (config.database.dialect === 'sqlite') await dataSource.runMigrations({ transaction: 'each' });
    const customerApp = await createCustomerApp({ config, dataSource, statementLog, logger, registry, ...options });
    // Deliberate limits: a whole request must arrive within requestTimeout and its headers within headersTimeout
    // (slow-loris), else 408. Node checks them only every connectionsCheckingInterval (30 s by default, which let a
    // cut come up to 30 s late); checking every second keeps each cut within a second of its setting.
    // Idle keep-alive connections live longer than the router's own idle timeout, so the router closes them first.
    const httpServer: Server = createServer(
      {
        requestTimeout: config.requestTimeoutMs,
        headersTimeout: config.headersTimeoutMs,
        connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS,
        keepAliveTimeout: config.keepAliveTimeoutMs,
      },
      customerApp.app,
    ).listen(config.port);
    // Node keeps a connection open after its last response until the keep-alive timeout, also once the server is
    // closing, which would hold the stop up for the whole grace period. During shutdown every response says
    // `Connection: close`, so each connection closes once its in-flight request is answered.
    const unanswered = new Set<ServerResponse>();
    httpServer.prependListener('request', (_request: IncomingMessage, response: ServerResponse) => {
      if (customerApp.lifecycle.shuttingDown && !response.headersSent) response.setHeader('connection', 'close');
      unanswered.add(response);
      response.once('close', () => unanswered.delete(response));
    });
    await once(httpServer, 'listening');
    const port = (httpServer.address() as AddressInfo).port;

    // Idempotency keys live 24 hours; expired ones are removed at start and then every hour.
    const removeExpiredKeys = () =>
      customerApp.services.customers
        .deleteExpiredIdempotencyKeys()
        .catch((error: unknown) => logger.warn({ err: error }, 'could not remove expired idempotency keys'));
    void removeExpiredKeys();
    const keyCleanup = setInterval(removeExpiredKeys, IDEMPOTENCY_CLEANUP_INTERVAL_MS).unref();
    customerApp.changeFeed.start();
    customerApp.importWorker.start();

    let stopping: Promise<void> | undefined;
    const stop = (): Promise<void> => {
      stopping ??= (async () => {
        customerApp.lifecycle.shuttingDown = true;
        clearInterval(keyCleanup);
        // No new import chunk from here; the chunks in flight commit whole, then the lease is given up, so another
        // replica resumes at once. Awaited before the pool closes.
        const importsStopped = customerApp.importWorker.stop();
        for (const response of unanswered) if (!response.headersSent) response.setHeader('connection', 'close');
        // Readiness is 503 from here; the drain delay gives the router or load balancer time to notice before the listener closes.
        if (config.shutdownDrainMs > 0) await sleep(config.shutdownDrainMs);
        await drainConnections(httpServer, config.shutdownGraceMs);
        await customerApp.apollo.stop();
        await importsStopped;
        // Events are in the database already; stopping only ends the background work after its step in flight.
        await customerApp.changeFeed.stop();
        await dataSource.destroy();
      })();
      return stopping;
    };

    return { ...customerApp, url: `http://localhost:${port}/graphql`, port, dataSource, statementLog, stop };
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const nextCheckPhase = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Stops accepting connections (after accepting those already waiting), then
 * lets every open connection finish: each
 * request that has reached the process is answered (responses during shutdown
 * say `Connection: close`, so Node closes the connection after them), and only
 * connections that are idle with nothing pending are closed. Resolves once every
 * connection is gone, or after `graceMs`, when the rest are cut.
 *
 * Node's own `server.close()` cannot be used: it destroys at once every
 * connection it deems idle, and a connection whose request bytes have arrived
 * but not yet been read (the event loop was busy) looks idle, so its request
 * would be reset. Here idle connections are closed only after a pause and one
 * whole turn of the event loop, by which time everything that had arrived is
 * read and parsed, and counts as a request in progress.
 */
async function drainConnections(httpServer: Server, graceMs: number): Promise<void> {
  let drained = false;
  await acceptWaitingConnections(httpServer);
  // net.Server's close: stop listening, and call back once the last connection has closed.
  const closed = new Promise<void>((resolve) => NetServer.prototype.close.call(httpServer, () => resolve()));
  const grace = setTimeout(() => httpServer.closeAllConnections(), graceMs);
  const sweep = async () => {
    while (!drained) {
      await sleep(IDLE_SWEEP_MS);
      // Two check phases: the poll phase between them has read whatever was waiting on any connection.
      await nextCheckPhase();
      await nextCheckPhase();
      if (!drained) httpServer.closeIdleConnections();
    }
  };
  void sweep();
  await closed;
  drained = true;
  clearTimeout(grace);
}

/**
 * Connections that completed while the event loop was busy wait in the listen
 * backlog, and closing the listener resets them, requests and all. So the
 * listener stays open for whole turns of the loop until a turn accepts nothing
 * (at most BACKLOG_DRAIN_MAX_MS); connections accepted meanwhile are served
 * like any other during shutdown (`Connection: close`, /ready 503).
 */
async function acceptWaitingConnections(httpServer: Server): Promise<void> {
  const deadline = Date.now() + BACKLOG_DRAIN_MAX_MS;
  for (;;) {
    let accepted = false;
    const onConnection = () => (accepted = true);
    httpServer.on('connection', onConnection);
    await nextCheckPhase();
    await nextCheckPhase();
    httpServer.off('connection', onConnection);
    if (!accepted || Date.now() >= deadline) return;
  }
}

/** MySQL/MariaDB: every pooled connection gets the statement time limit, in the dialect of the server it talks to. */
async function mysqlSessionOptions(config: Config, logger: Logger): Promise<Partial<DataSourceOptions>> {
  if (config.database.dialect !== 'mysql') return {};
  const flavour = await detectMysqlFlavour(config.database);
  return {
    mysqlSessionSql: statementTimeoutSql(flavour, config.statementTimeoutMs),
    onSessionSetupError: (error) => logger.warn({ err: error }, 'could not set the statement time limit on a database connection'),
  };
}

/**
 * MySQL/MariaDB: migrations run on a connection of their own, without the
 * statement time limit that request connections carry: building an index on a
 * large table may rightly take longer than any request should. (SQLite runs them
 * on its one connection: an in-memory database exists only there.)
 */
async function migrateWithoutStatementLimit(config: Config, statementLog: SqlStatementLog): Promise<void> {
  if (config.database.dialect !== 'mysql') throw new Error('migrateWithoutStatementLimit is for MySQL/MariaDB');
  const database = config.database.database;
  const migrator = createDataSource(config.database, { logger: statementLog, poolSize: 1 });
  await migrator.initialize();
  try {
    // Replicas that start together queue on a named lock, so one applies the pending migrations and the others then
    // find none (without it two of them both create the first table, and one fails). The lock belongs to the
    // migrator's one connection, on which the migrations run, and goes with it.
    // Named locks are per server, so the name holds the database's (MySQL allows 64 characters).
    const lock = `migrations:${database}`.slice(0, 64);
    const [{ granted }] = (await migrator.query('SELECT GET_LOCK(?, ?) AS granted', [lock, MIGRATION_LOCK_WAIT_S])) as Array<{
      granted: unknown;
    }>;
    if (Number(granted) !== 1) {
      throw new Error(`Another process has held the migration lock for ${MIGRATION_LOCK_WAIT_S} s; not migrating alongside it`);
    }
    await migrator.runMigrations({ transaction: 'each' });
    await migrator.query('SELECT RELEASE_LOCK(?)', [lock]);
  } finally {
    await migrator.destroy();
  }
}

const MIGRATION_LOCK_WAIT_S = 900;

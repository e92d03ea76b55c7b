import { once } from 'node:events';
import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { createCustomerApp, CustomerApp } from './app';
import { Config } from './config/config';
import { createDataSource } from './database/data-source';
import { SqlStatementLog } from './database/sql-statement-log';
import { FlagRegistry } from './flags/flag-registry';
import { Logger } from './logging/logger';

const IDEMPOTENCY_CLEANUP_INTERVAL_MS = 60 * 60 * 1000;

export interface RunningServer extends CustomerApp {
  url: string;
  port: number;
  dataSource: DataSource;
  statementLog: SqlStatementLog;
  /** Graceful stop: readiness 503, no new connections, in-flight requests finish (bounded by the grace period), pool closed. */
  stop(): Promise<void>;
}

/** Opens the database, applies pending migrations, and serves the subgraph on `config.port` (0 picks a free port). */
export async function startServer(config: Config, logger: Logger): Promise<RunningServer> {
  // Read before touching the database, so a bad registry stops the start at once.
  const registry = FlagRegistry.fromFile(config.flagsFile);
  const statementLog = new SqlStatementLog(logger);
  const dataSource = createDataSource(config.database, { logger: statementLog });
  await dataSource.initialize();
  try {
    await dataSource.runMigrations({ transaction: 'each' });
    const customerApp = await createCustomerApp(config, dataSource, logger, registry);
    const httpServer: Server = customerApp.app.listen(config.port);
    await once(httpServer, 'listening');
    const port = (httpServer.address() as AddressInfo).port;

    // Idempotency keys live 24 hours; expired ones are removed at start and then every hour.
    const removeExpiredKeys = () =>
      customerApp.services.customers
        .deleteExpiredIdempotencyKeys()
        .catch((error: unknown) => logger.warn({ err: error }, 'could not remove expired idempotency keys'));
    void removeExpiredKeys();
    const keyCleanup = setInterval(removeExpiredKeys, IDEMPOTENCY_CLEANUP_INTERVAL_MS).unref();

    let stopping: Promise<void> | undefined;
    const stop = (): Promise<void> => {
      stopping ??= (async () => {
        customerApp.lifecycle.shuttingDown = true;
        clearInterval(keyCleanup);
        const closed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
        httpServer.closeIdleConnections();
        const grace = setTimeout(() => httpServer.closeAllConnections(), config.shutdownGraceMs);
        await closed;
        clearTimeout(grace);
        await customerApp.apollo.stop();
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

import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express, { Express } from 'express';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { DataSource } from 'typeorm';
import { createAuthenticator } from './http/authenticator';
import { Config } from './core/config';
import { RequestContext } from './api/context';
import { createErrorFormatter } from './api/format-error';
import { requestAborted } from './core/errors/graphql-errors';
import { FlagRegistry } from './domain/flag/flag-registry';
import { bodyErrorHandler } from './http/body-errors';
import { healthRoutes, Lifecycle } from './http/health.routes';
import { queryLimitsPlugin, textCost } from './api/plugins/query-cost.plugin';
import { requireRouterSecret } from './http/router-secret';
import { serviceSdlGatePlugin } from './api/plugins/schema-exposure.plugin';
import { createLoaders } from './api/loaders';
import { ServiceMetrics } from './core/metrics/metrics';
import { traceRequests } from './http/request-logging';
import { operationMetricsPlugin } from './api/plugins/operation-metrics.plugin';
import { currentTrace } from './core/request-trace';
import { poolUsage } from './data/pool-usage';
import { SqlStatementLog } from './data/sql-statement-log';
import { Logger } from './core/logging/logger';
import { Database } from './data/database';
import { buildCustomerSchema, printCustomerSchema } from './api/schema';
import { createServices, Services } from './domain/services';
import { explorerLandingPage } from './api/plugins/explorer-landing-page.plugin';
import { GRAPHIQL_PATH, graphiqlLandingHtml, GraphiqlOptions, graphiqlRoutes } from './http/graphiql.routes';
import { NatsEventPublisher } from './data/events/nats-event-publisher';
import { ChangeFeedWorker } from './domain/event/change-feed-worker';
import { EventRelay } from './domain/event/event-relay';
import { registerEventMetrics } from './core/metrics/event-metrics';
import { ImportWorker } from './domain/import/import-worker';
import { importRoutes } from './http/import.routes';
import { exportRoutes } from './http/export.routes';

/** Statements that only read. */
const READ = /^\s*SELECT\b/i;

export interface CustomerApp {
  app: Express;
  metrics: ServiceMetrics;
  apollo: ApolloServer<RequestContext>;
  database: Database;
  services: Services;
  lifecycle: Lifecycle;
  /** Numbers, publishes and expires change events in the background; started and stopped by the server. */
  changeFeed: ChangeFeedWorker;
  /** Applies queued CSV imports in the background; started and stopped by the server. */
  importWorker: ImportWorker;
}

export interface CustomerAppDeps {
  config: Config;
  /** Initialised and migrated. */
  dataSource: DataSource;
  statementLog: SqlStatementLog;
  logger: Logger;
  registry: FlagRegistry;
  /** Where the GraphiQL bundle is; by default dist/graphiql, which `npm run build` writes. */
  explorerBundleDir?: string;
}

/** Builds the HTTP application (GraphQL, health, readiness and metrics routes). */
export async function createCustomerApp({
  config,
  dataSource,
  statementLog,
  logger,
  registry,
  explorerBundleDir,
}: CustomerAppDeps): Promise<CustomerApp> {
  const database = new Database(dataSource);
  const metrics = new ServiceMetrics(() => poolUsage(dataSource));
  statementLog.subscribe(() => {
    const trace = currentTrace();
    if (trace) trace.statements += 1;
  });
  // Once its client has gone, a request reads nothing more; a transaction already open is let finish.
  statementLog.refuseWhen((sql, inTransaction) =>
    !inTransaction && currentTrace()?.signal.aborted && READ.test(sql) ? requestAborted() : null,
  );
  const services = createServices(database, config.cursorSecret, registry);
  const lifecycle: Lifecycle = { shuttingDown: false };
  const changeFeed = createChangeFeed(config, database, services, logger, metrics);
  const importWorker = new ImportWorker({
    database,
    customers: services.customers,
    owner: processOwner(),
    leaseMs: config.imports.leaseMs,
    pollMs: config.imports.pollMs,
    chunksInFlight: config.imports.chunksInFlight,
    onError: (error, importId) => logger.warn({ err: error, importId }, 'import worker: background work failed; retrying'),
  });
  const development = config.nodeEnv === 'development';
  const production = config.nodeEnv === 'production';

  // GraphiQL shows the whole schema, so it is served exactly where introspection is on.
  const graphiql: GraphiqlOptions = { endpoint: '/graphql', tokenRequired: config.auth.mode === 'jwt', bundleDir: explorerBundleDir };
  const schema = await buildCustomerSchema();
  // `_service { sdl }` returns the whole SDL: each alias of it costs its length.
  const fieldCosts = { '_Service.sdl': textCost(printCustomerSchema(schema).length) };
  const apollo = new ApolloServer<RequestContext>({
    schema,
    logger,
    // In production the schema is not given away: no suggestions of its names in error messages.
    formatError: createErrorFormatter(logger, { exposeStackTraces: development, hideSchemaSuggestions: production }),
    includeStacktraceInErrorResponses: development,
    introspection: config.introspection,
    plugins: [
      queryLimitsPlugin<RequestContext>({ maxCost: config.maxQueryCost, maxDepth: config.maxQueryDepth, fieldCosts }),
      ...(production && !config.routerSecret ? [serviceSdlGatePlugin()] : []),
      ...explorerLandingPage({
        explorer: config.explorer,
        graphiqlEnabled: config.introspection,
        production,
        graphiqlPath: GRAPHIQL_PATH,
        renderGraphiql: () => graphiqlLandingHtml(graphiql),
      }),
      operationMetricsPlugin<RequestContext>(metrics),
      // Cache hints are not used by this subgraph, and computing them wraps every field resolution.
      ApolloServerPluginCacheControlDisabled(),
    ],
    allowBatchedHttpRequests: false,
    csrfPrevention: true,
    // Signals are handled by the server module, which also drains HTTP and closes the pool.
    stopOnTerminationSignals: false,
  });
  await apollo.start();

  const app = express();
  app.disable('x-powered-by');
  app.use(healthRoutes(database, lifecycle));
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  if (config.introspection) app.use(graphiqlRoutes(graphiql));
  app.use(traceRequests(logger, metrics));
  if (config.routerSecret) app.use('/graphql', requireRouterSecret(config.routerSecret));
  const authenticate = createAuthenticator(config.auth);
  if (config.auth.mode === 'development') {
    logger.warn('Authentication is off (no AUTH_JWT_SECRET or AUTH_JWKS_URL): every request acts as brand "default" with every scope.');
  }
  app.use(
    '/graphql',
    express.json({ limit: config.bodyLimitBytes }),
    expressMiddleware(apollo, {
      context: async ({ req }): Promise<RequestContext> => {
        const caller = await authenticate(req.get('authorization'));
        return { caller, services, loaders: createLoaders(services, caller) };
      },
    }),
  );
  app.use(importRoutes({ authenticate, imports: services.imports, config: config.imports, logger, onQueued: () => importWorker.wake() }));
  app.use(exportRoutes({ authenticate, customerExports: services.exports, pageSize: config.exportPageSize, logger }));
  app.use(bodyErrorHandler);
  return { app, metrics, apollo, database, services, lifecycle, changeFeed, importWorker };
}

/** A name for this process in leases, unique among replicas (host, pid and a random part: a restarted process is another owner). */
function processOwner(): string {
  return `${hostname().slice(0, 40)}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

/** The change feed's worker, with a NATS JetStream relay when EVENTS_NATS_URL is set. */
function createChangeFeed(
  config: Config,
  database: Database,
  services: Services,
  logger: Logger,
  metrics: ServiceMetrics,
): ChangeFeedWorker {
  const nats = config.events.nats;
  let published: { inc(count: number): void } | null = null;
  const relay = nats
    ? new EventRelay(database, new NatsEventPublisher(nats), {
        name: `nats:${nats.stream}`,
        owner: processOwner(),
        onError: (error) => logger.warn({ err: error }, 'event relay: publishing to NATS failed; retrying'),
        onPublished: (count) => published?.inc(count),
      })
    : null;
  published = registerEventMetrics(metrics.registry, {
    backlog: () => relay?.backlog() ?? database.read.events.backlog(Number.MAX_SAFE_INTEGER),
  }).published;
  return new ChangeFeedWorker({
    database,
    sequencer: services.eventSequencer,
    relay,
    retentionDays: config.events.retentionDays,
    pollMs: config.events.pollMs,
    onError: (error, task) => logger.warn({ err: error, task }, 'change feed: background work failed; retrying'),
  });
}

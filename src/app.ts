import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import express, { Express } from 'express';
import { DataSource } from 'typeorm';
import { createAuthenticator } from './auth/authenticator';
import { Config } from './config/config';
import { RequestContext } from './context/request-context';
import { createErrorFormatter } from './errors/format-error';
import { FlagRegistry } from './flags/flag-registry';
import { bodyErrorHandler } from './http/body-errors';
import { healthRoutes, Lifecycle } from './http/health.routes';
import { queryLimitsPlugin } from './http/query-limits';
import { requireRouterSecret } from './http/router-secret';
import { createLoaders } from './loaders/create-loaders';
import { Logger } from './logging/logger';
import { Database } from './repositories/database';
import { buildCustomerSchema } from './schema/build-schema';
import { createServices, Services } from './services/services';

export interface CustomerApp {
  app: Express;
  apollo: ApolloServer<RequestContext>;
  database: Database;
  services: Services;
  lifecycle: Lifecycle;
}

/** Builds the HTTP application (GraphQL plus health routes) on an initialised, migrated data source. */
export async function createCustomerApp(
  config: Config,
  dataSource: DataSource,
  logger: Logger,
  registry: FlagRegistry,
): Promise<CustomerApp> {
  const database = new Database(dataSource);
  const services = createServices(database, config.cursorSecret, registry);
  const lifecycle: Lifecycle = { shuttingDown: false };
  const development = config.nodeEnv === 'development';

  const apollo = new ApolloServer<RequestContext>({
    schema: await buildCustomerSchema(),
    logger,
    formatError: createErrorFormatter(logger, development),
    includeStacktraceInErrorResponses: development,
    introspection: config.introspection,
    plugins: [queryLimitsPlugin<RequestContext>({ maxCost: config.maxQueryCost, maxDepth: config.maxQueryDepth })],
    allowBatchedHttpRequests: false,
    csrfPrevention: true,
    // Signals are handled by the server module, which also drains HTTP and closes the pool.
    stopOnTerminationSignals: false,
  });
  await apollo.start();

  const app = express();
  app.disable('x-powered-by');
  app.use(healthRoutes(database, lifecycle));
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
  app.use(bodyErrorHandler);
  return { app, apollo, database, services, lifecycle };
}

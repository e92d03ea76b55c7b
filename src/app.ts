import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import express, { Express } from 'express';
import { DataSource } from 'typeorm';
import { DEVELOPMENT_CALLER } from './auth/development-caller';
import { Config } from './config/config';
import { RequestContext } from './context/request-context';
import { createErrorFormatter } from './errors/format-error';
import { FlagRegistry } from './flags/flag-registry';
import { healthRoutes, Lifecycle } from './http/health.routes';
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
    introspection: config.nodeEnv !== 'production',
    allowBatchedHttpRequests: false,
    csrfPrevention: true,
    // Signals are handled by the server module, which also drains HTTP and closes the pool.
    stopOnTerminationSignals: false,
  });
  await apollo.start();

  const app = express();
  app.disable('x-powered-by');
  app.use(healthRoutes(database, lifecycle));
  app.use(
    '/graphql',
    express.json({ limit: config.bodyLimitBytes }),
    expressMiddleware(apollo, {
      context: async (): Promise<RequestContext> => {
        const caller = DEVELOPMENT_CALLER;
        return { caller, services, loaders: createLoaders(services, caller) };
      },
    }),
  );
  return { app, apollo, database, services, lifecycle };
}

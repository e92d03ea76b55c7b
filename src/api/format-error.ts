import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, GraphQLFormattedError } from 'graphql';
import { Logger } from '../core/logging/logger';
import { ErrorCode } from '../core/errors/graphql-errors';
import { isDatabaseUnavailable } from '../core/errors/database-unavailable';
import { withoutSuggestions } from './plugins/schema-exposure.plugin';
import { explainCsrfRefusal } from './csrf-refusal';

/**
 * Shapes every top-level error before it leaves the server. Errors the service
 * raised on purpose (GraphQLErrors with a code) and Apollo's own request errors
 * pass through; a database that does not answer becomes SERVICE_UNAVAILABLE;
 * anything else is logged with its cause and masked as INTERNAL_SERVER_ERROR.
 * `hideSchemaSuggestions` drops graphql-js's "Did you mean …?" hints, which
 * would spell out the schema to a caller who may not introspect it.
 */
export function createErrorFormatter(logger: Logger, options: { exposeStackTraces: boolean; hideSchemaSuggestions: boolean }) {
  const { exposeStackTraces, hideSchemaSuggestions } = options;
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const cause = unwrapResolverError(error);
    if (cause instanceof GraphQLError && formatted.extensions?.code !== ErrorCode.INTERNAL_SERVER_ERROR) {
      const explained = explainCsrfRefusal(formatted);
      return hideSchemaSuggestions ? { ...explained, message: withoutSuggestions(explained.message) } : explained;
    }
    if (isDatabaseUnavailable(cause)) {
      logger.warn({ err: cause, path: formatted.path }, 'database unavailable');
      return {
        message: 'The customer database is not answering; try again shortly.',
        path: formatted.path,
        locations: formatted.locations,
        extensions: { code: ErrorCode.SERVICE_UNAVAILABLE },
      };
    }
    logger.error({ err: cause, path: formatted.path }, 'internal error');
    return {
      message: 'Internal server error',
      path: formatted.path,
      locations: formatted.locations,
      extensions: {
        code: ErrorCode.INTERNAL_SERVER_ERROR,
        ...(exposeStackTraces && cause instanceof Error ? { stacktrace: cause.stack?.split('\n') } : {}),
      },
    };
  };
}

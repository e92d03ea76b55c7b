import { ApolloServerPlugin } from '@apollo/server';
import { ServiceMetrics } from '../../core/metrics/metrics';
import { currentTrace } from '../../core/request-trace';

/** Records each operation's name, duration, outcome, error codes and SQL statement count. */
export function operationMetricsPlugin<TContext extends object>(metrics: ServiceMetrics): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      return {
        async didResolveOperation({ operationName }) {
          const trace = currentTrace();
          if (trace) trace.operationName = operationName ?? null;
        },
        async willSendResponse({ response, operationName }) {
          const trace = currentTrace();
          const errors = response.body.kind === 'single' ? (response.body.singleResult.errors ?? []) : [];
          const codes = errors.map((error) => String(error.extensions?.code ?? 'UNKNOWN'));
          for (const error of errors) metrics.errors.inc({ code: metrics.labels.errorCode(error.extensions?.code) });
          const operation = metrics.labels.operation(operationName);
          metrics.operationDuration.observe(
            { operation, outcome: codes.length === 0 ? 'ok' : 'error' },
            Number(process.hrtime.bigint() - started) / 1e9,
          );
          if (trace) {
            trace.errorCodes.push(...codes);
            metrics.statementsPerOperation.observe({ operation }, trace.statements);
          }
        },
      };
    },
  };
}

import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { MetricLabels } from './metric-labels';

export interface PoolUsage {
  /** Connections open, and how many of them are lent out right now. */
  total: number;
  busy: number;
}

/** The service's Prometheus metrics, in a registry of its own (so several servers can live in one process, as in tests). */
export class ServiceMetrics {
  readonly registry = new Registry();
  /** Every label value below comes from here, so the number of series stays bounded whatever clients send. */
  readonly labels = new MetricLabels();

  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP requests by method, route and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly operationDuration = new Histogram({
    name: 'graphql_operation_duration_seconds',
    help: 'GraphQL operations by operation name and outcome (ok or error).',
    labelNames: ['operation', 'outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly errors = new Counter({
    name: 'graphql_errors_total',
    help: 'Top-level GraphQL errors by extensions.code.',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });

  readonly statementsPerOperation = new Histogram({
    name: 'graphql_operation_sql_statements',
    help: 'SQL statements issued per GraphQL operation, by operation name.',
    labelNames: ['operation'] as const,
    buckets: [0, 1, 2, 3, 5, 8, 13, 21, 50, 100],
    registers: [this.registry],
  });

  constructor(poolUsage: () => PoolUsage) {
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: 'db_pool_connections',
      help: 'Database connections by state (busy or idle).',
      labelNames: ['state'] as const,
      registers: [this.registry],
      collect() {
        const usage = poolUsage();
        this.set({ state: 'busy' }, usage.busy);
        this.set({ state: 'idle' }, usage.total - usage.busy);
      },
    });
  }
}

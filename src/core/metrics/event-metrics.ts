import { Counter, Gauge, Registry } from 'prom-client';

export interface EventBacklogSource {
  /** Events not yet published (or, without a broker, not yet numbered), and when the oldest of them happened. */
  backlog(): Promise<{ size: number; oldest: Date | null }>;
}

/** The change feed's metrics: what the relay published, and what still waits in the database. */
export function registerEventMetrics(registry: Registry, source: EventBacklogSource): { published: Counter } {
  const published = new Counter({
    name: 'customer_events_published_total',
    help: 'Change events the relay published to the broker (and the broker stored).',
    registers: [registry],
  });
  let last: Promise<{ size: number; oldest: Date | null }> | null = null;
  // Both gauges come from one database read per scrape.
  const read = () => {
    last ??= source.backlog().finally(() => setImmediate(() => (last = null)));
    return last;
  };
  new Gauge({
    name: 'customer_events_backlog',
    help: 'Change events waiting in the database: not yet published to the broker (without a broker: not yet numbered for the feed).',
    registers: [registry],
    async collect() {
      const backlog = await read().catch(() => null);
      if (backlog) this.set(backlog.size);
    },
  });
  new Gauge({
    name: 'customer_events_oldest_unpublished_age_seconds',
    help: 'Age of the oldest change event still waiting in the database; 0 when none waits.',
    registers: [registry],
    async collect() {
      const backlog = await read().catch(() => null);
      if (backlog) this.set(backlog.oldest ? Math.max(0, (Date.now() - backlog.oldest.getTime()) / 1000) : 0);
    },
  });
  return { published };
}

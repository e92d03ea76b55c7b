/**
 * `npm run bench:entities`: what does the router's entity batch cost? Seeds
 * BENCH_ENTITIES customers (1,000 by default, a router batch) into
 * BENCH_DATABASE_URL (MySQL/MariaDB) when it holds fewer, starts the real
 * server and times, interleaved, `_entities` with one representation per
 * customer against `customers(filter: {ids})` for the same customers with the
 * same fields (goal: p50 ≤ 1.5×), and counts the SQL statements of each (the
 * entity batch must cost a constant number, whatever its size).
 */
import 'reflect-metadata';
import { loadConfig } from '../src/core/config';
import { createLogger } from '../src/core/logging/logger';
import { currentTrace } from '../src/core/request-trace';
import { RunningServer, startServer } from '../src/server';
import { createDatabaseIfMissing, mysqlSettings, positiveInteger } from './bench-settings';
import { percentile } from './statistics';

const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/customer_bench_entities';
const ENTITIES = positiveInteger('BENCH_ENTITIES', 1000);
const ITERATIONS = positiveInteger('BENCH_ITERATIONS', 100);
const WARM_UP = positiveInteger('BENCH_WARM_UP', 10);
const GOAL_RATIO = 1.5;
/** Requests without a token act as this brand outside production. */
const BRAND = 'default';
const EXTERNAL_ID_PREFIX = 'bench-entity-';

const FIELDS = 'id name emailAddress phoneNumber languageCode version createdAt';
const ENTITIES_QUERY = `query Entities($representations: [_Any!]!) { _entities(representations: $representations) { ... on Customer { ${FIELDS} } } }`;
const BY_IDS_QUERY = `query ByIds($ids: [ID!]!, $first: Int!) { customers(first: $first, filter: { ids: $ids }) { nodes { ${FIELDS} } } }`;

interface Operation {
  name: string;
  query: string;
  variables: Record<string, unknown>;
  /** The customers the answer holds. */
  count(data: Record<string, unknown>): number;
}

/** Upserts the benchmark's customers by external id (idempotent), and returns their ids. */
async function seed(server: RunningServer): Promise<string[]> {
  const inputs = Array.from({ length: ENTITIES }, (_, index) => ({
    externalId: `${EXTERNAL_ID_PREFIX}${index}`,
    givenName: 'Entity',
    familyName: `Customer ${String.fromCharCode(65 + (index % 26))}`,
    emailAddress: `entity.${index}@example.com`,
    languageCode: 'en-GB',
  }));
  const ids: string[] = [];
  for (let start = 0; start < inputs.length; start += 1000) {
    const { results, userErrors } = await server.services.customers.upsertMany(BRAND, inputs.slice(start, start + 1000));
    if (userErrors.length > 0) throw new Error(`seeding failed: ${JSON.stringify(userErrors)}`);
    for (const result of results) {
      if (!result.customer) throw new Error(`seeding failed: ${JSON.stringify(result.userErrors)}`);
      ids.push(result.customer.id);
    }
  }
  return ids;
}

async function post(url: string, operation: Operation): Promise<number> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: operation.query, variables: operation.variables }),
  });
  const body = (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
  if (!response.ok || body.errors || !body.data) throw new Error(`${operation.name} failed: ${JSON.stringify(body).slice(0, 500)}`);
  const count = operation.count(body.data);
  if (count !== ENTITIES) throw new Error(`${operation.name} answered ${count} customers, not ${ENTITIES}`);
  return count;
}

async function timed(url: string, operation: Operation): Promise<number> {
  const started = process.hrtime.bigint();
  await post(url, operation);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function statementsOf(server: RunningServer, operation: Operation): Promise<number> {
  let statements = 0;
  // Requests' statements only: the change feed's background work runs outside every request.
  const stop = server.statementLog.subscribe(() => {
    if (currentTrace()) statements += 1;
  });
  try {
    await post(server.url, operation);
  } finally {
    stop();
  }
  return statements;
}

async function main(): Promise<void> {
  const settings = mysqlSettings(DATABASE_URL);
  await createDatabaseIfMissing(settings);
  // The cost of a 1,000-customer list is above the default limit for a browser's query; the router's batch is not.
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', PORT: '0', DATABASE_URL, MAX_QUERY_COST: '1000000' });
  const server = await startServer(config, createLogger(config.logLevel));
  try {
    console.log(`Entities benchmark on ${settings.host}:${settings.port}/${settings.database}`);
    const ids = await seed(server);
    const entities: Operation = {
      name: '_entities',
      query: ENTITIES_QUERY,
      variables: { representations: ids.map((id) => ({ __typename: 'Customer', id })) },
      count: (data) => (data._entities as unknown[]).filter((entity) => entity !== null).length,
    };
    const byIds: Operation = {
      name: 'customers(filter: {ids})',
      query: BY_IDS_QUERY,
      variables: { ids, first: ids.length },
      count: (data) => (data.customers as { nodes: unknown[] }).nodes.length,
    };
    const statements = [await statementsOf(server, entities), await statementsOf(server, byIds)];
    for (let index = 0; index < WARM_UP; index += 1) {
      await timed(server.url, entities);
      await timed(server.url, byIds);
    }
    const samples: [number[], number[]] = [[], []];
    // Interleaved, so a slow moment of the machine hits both series alike.
    for (let index = 0; index < ITERATIONS; index += 1) {
      samples[0].push(await timed(server.url, entities));
      samples[1].push(await timed(server.url, byIds));
    }
    console.log(`\n${ENTITIES} customers, ${ITERATIONS} runs each after ${WARM_UP} warm-up runs, HTTP round trips, fields: ${FIELDS}`);
    console.log('| operation | p50 ms | p95 ms | SQL statements |');
    console.log('|---|---|---|---|');
    [entities, byIds].forEach((operation, index) => {
      const ms = samples[index]!;
      console.log(`| ${operation.name} | ${percentile(ms, 0.5).toFixed(2)} | ${percentile(ms, 0.95).toFixed(2)} | ${statements[index]} |`);
    });
    const ratio = percentile(samples[0], 0.5) / percentile(samples[1], 0.5);
    console.log(
      `\nratio _entities/customers(ids) (p50): ${ratio.toFixed(2)} (goal ≤ ${GOAL_RATIO.toFixed(1)}: ${ratio <= GOAL_RATIO ? 'met' : 'MISSED'})`,
    );
  } finally {
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error('Benchmark failed:', error instanceof Error ? error.message : error);
  process.exit(1);
});

/**
 * `npm run bench:nested-list`: what does the GraphQL layer cost on a list of
 * customers with nested channels, flags and activities? Seeds BENCH_CUSTOMERS
 * customers into BENCH_DATABASE_URL (MySQL/MariaDB) when it holds fewer, starts
 * the real server, and times the nested `customers` query over HTTP against a
 * baseline in the same run: the same rows read with hand-written SQL through
 * mysql2 and serialised to the same JSON, served by a minimal node:http server,
 * so both sides include an HTTP round trip from the same client.
 */
import 'reflect-metadata';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { once } from 'node:events';
import { AddressInfo } from 'node:net';
import { isDeepStrictEqual } from 'node:util';
import { createPool, Pool, RowDataPacket } from 'mysql2/promise';
import { loadConfig } from '../src/core/config';
import { createLogger } from '../src/core/logging/logger';
import { RunningServer, startServer } from '../src/server';
import { ChannelType } from '../src/core/channel-type';
import { createDatabaseIfMissing, mysqlSettings, positiveInteger } from './bench-settings';
import { percentile } from './statistics';

const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/customer_bench_nested';
const CUSTOMERS = positiveInteger('BENCH_CUSTOMERS', 50);
const ITERATIONS = positiveInteger('BENCH_ITERATIONS', 200);
const WARM_UP = positiveInteger('BENCH_WARM_UP', 30);
const GOAL_RATIO = 1.5;
/** Requests without a token act as this brand outside production. */
const BRAND = 'default';
const FLAGS_PER_CUSTOMER = 5;
const ACTIVITIES_PER_PAGE = 3;
/** Set by the compliance system, not through the API: the fifth flag of every seeded customer. */
const READ_ONLY_FLAG = 'kyc_verified';

const QUERY = `query NestedList($first: Int!) {
  customers(first: $first) {
    nodes {
      id name emailAddress
      channels { type value }
      flags(first: ${FLAGS_PER_CUSTOMER}) { totalCount nodes { name addedAt } }
      activities(first: ${ACTIVITIES_PER_PAGE}) { totalCount nodes { type occurredAt } }
    }
  }
}`;

interface NodeJson {
  id: string;
  name: string;
  emailAddress: string | null;
  channels: Array<{ type: string; value: string }>;
  flags: { totalCount: number; nodes: Array<{ name: string; addedAt: string }> };
  activities: { totalCount: number; nodes: Array<{ type: string; occurredAt: string }> };
}

interface ResponseJson {
  data?: { customers: { nodes: NodeJson[] } };
  errors?: unknown[];
}

/** Seeds through the services, as the API would: each customer with 2 channels, 5 flags and 3 activities. */
async function seedTo(server: RunningServer, wanted: number): Promise<void> {
  const present = await server.database.read.customers.count(BRAND, { includeDeleted: false });
  if (present >= wanted) {
    console.log(`Database holds ${present} customers of brand "${BRAND}"; no seeding needed.`);
    return;
  }
  const writable = server.services.flags
    .definitions()
    .filter((flag) => !flag.readOnly)
    .map((flag) => flag.name)
    .slice(0, FLAGS_PER_CUSTOMER - 1);
  for (let index = present; index < wanted; index += 1) {
    const suffix = String(index).padStart(4, '0');
    const { customer, userErrors } = await server.services.customers.create(BRAND, {
      givenName: 'Bench',
      familyName: `Customer ${String.fromCharCode(65 + (index % 26))}`,
      emailAddress: `bench.${suffix}@example.com`,
      channels: [
        { type: ChannelType.EMAIL, value: `bench.${suffix}@example.com` },
        { type: ChannelType.TELEPHONE, value: `+4930726${String(200000 + index)}` },
      ],
      flags: writable,
    });
    if (!customer) throw new Error(`seeding customer ${index} failed: ${JSON.stringify(userErrors)}`);
    await server.database.transaction((repositories) =>
      repositories.flags.insert([{ customerId: customer.id, name: READ_ONLY_FLAG, brand: BRAND, addedAt: new Date() }]),
    );
    // customer.created is the first of the three.
    for (const type of ['order.placed', 'ticket.opened']) {
      const recorded = await server.services.activities.record(BRAND, { customerId: customer.id, type, data: { suffix } });
      if (!recorded.activity) throw new Error(`seeding an activity failed: ${JSON.stringify(recorded.userErrors)}`);
    }
  }
  console.log(`Seeded ${wanted - present} customers.`);
}

/**
 * The baseline: the rows the GraphQL query reads, with six hand-written
 * statements (the customers page first, then channels, the top 5 flags and top
 * 3 activities per customer by window function, and the two counts, in
 * parallel on the pool), serialised to the same JSON the server returns.
 */
async function baselineJson(pool: Pool, first: number): Promise<string> {
  const [customers] = await pool.query<RowDataPacket[]>(
    `SELECT id, given_name, family_name, email_address FROM customers
     WHERE brand = ? AND deleted_at IS NULL ORDER BY created_at, id LIMIT ?`,
    [BRAND, first],
  );
  const ids = customers.map((row) => row.id as string);
  const [[channels], [flags], [activities], [flagCounts], [activityCounts]] = await Promise.all([
    pool.query<RowDataPacket[]>(
      'SELECT customer_id, type, value FROM customer_channels WHERE brand = ? AND customer_id IN (?) ORDER BY created_at, id',
      [BRAND, ids],
    ),
    pool.query<RowDataPacket[]>(
      `SELECT customer_id, name, added_at FROM (
         SELECT customer_id, name, added_at, ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY name) AS rn
         FROM customer_flags WHERE brand = ? AND customer_id IN (?)) ranked
       WHERE rn <= ? ORDER BY customer_id, rn`,
      [BRAND, ids, FLAGS_PER_CUSTOMER],
    ),
    pool.query<RowDataPacket[]>(
      `SELECT customer_id, type, occurred_at FROM (
         SELECT customer_id, type, occurred_at, ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY occurred_at DESC, id DESC) AS rn
         FROM customer_activities WHERE brand = ? AND customer_id IN (?)) ranked
       WHERE rn <= ? ORDER BY customer_id, rn`,
      [BRAND, ids, ACTIVITIES_PER_PAGE],
    ),
    pool.query<RowDataPacket[]>(
      'SELECT customer_id, COUNT(*) AS total FROM customer_flags WHERE brand = ? AND customer_id IN (?) GROUP BY customer_id',
      [BRAND, ids],
    ),
    pool.query<RowDataPacket[]>(
      'SELECT customer_id, COUNT(*) AS total FROM customer_activities WHERE brand = ? AND customer_id IN (?) GROUP BY customer_id',
      [BRAND, ids],
    ),
  ]);
  const byCustomer = new Map<string, NodeJson>(
    customers.map((row) => [
      row.id as string,
      {
        id: row.id as string,
        name: `${row.given_name as string} ${row.family_name as string}`.trim(),
        emailAddress: (row.email_address as string | null) ?? null,
        channels: [],
        flags: { totalCount: 0, nodes: [] },
        activities: { totalCount: 0, nodes: [] },
      },
    ]),
  );
  for (const row of channels) byCustomer.get(row.customer_id)?.channels.push({ type: row.type, value: row.value });
  for (const row of flags)
    byCustomer.get(row.customer_id)?.flags.nodes.push({ name: row.name, addedAt: (row.added_at as Date).toISOString() });
  for (const row of activities) {
    byCustomer.get(row.customer_id)?.activities.nodes.push({ type: row.type, occurredAt: (row.occurred_at as Date).toISOString() });
  }
  for (const row of flagCounts) byCustomer.get(row.customer_id)!.flags.totalCount = Number(row.total);
  for (const row of activityCounts) byCustomer.get(row.customer_id)!.activities.totalCount = Number(row.total);
  return JSON.stringify({ data: { customers: { nodes: [...byCustomer.values()] } } });
}

async function startBaselineServer(pool: Pool): Promise<{ url: string; server: Server }> {
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const { variables } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { variables: { first: number } };
      baselineJson(pool, variables.first).then(
        (body) => response.writeHead(200, { 'content-type': 'application/json' }).end(body),
        (error: unknown) => response.writeHead(500).end(String(error)),
      );
    });
  });
  server.listen(0);
  await once(server, 'listening');
  return { url: `http://localhost:${(server.address() as AddressInfo).port}/`, server };
}

async function post(url: string): Promise<ResponseJson> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: QUERY, variables: { first: CUSTOMERS } }),
  });
  if (!response.ok) throw new Error(`${url} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as ResponseJson;
}

interface Sample {
  ms: number;
  /** CPU time of this whole process (client, server and baseline share it) while the request ran: what the path costs in work, not in waiting. */
  cpuMs: number;
}

async function timed(url: string): Promise<Sample> {
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  const body = await post(url);
  const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
  const used = process.cpuUsage(cpu);
  if (body.errors || body.data?.customers.nodes.length !== CUSTOMERS)
    throw new Error(`bad answer from ${url}: ${JSON.stringify(body).slice(0, 500)}`);
  return { ms: elapsed, cpuMs: (used.user + used.system) / 1000 };
}

async function main(): Promise<void> {
  const settings = mysqlSettings(DATABASE_URL);
  await createDatabaseIfMissing(settings);
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', PORT: '0', DATABASE_URL });
  const server = await startServer(config, createLogger(config.logLevel));
  const pool = createPool({
    host: settings.host,
    port: settings.port,
    user: settings.user,
    password: settings.password,
    database: settings.database,
    timezone: 'Z',
    connectionLimit: 10,
  });
  const baseline = await startBaselineServer(pool);
  try {
    console.log(`Nested-list benchmark on ${settings.host}:${settings.port}/${settings.database}`);
    await seedTo(server, CUSTOMERS);

    const [viaGraphql, viaSql] = await Promise.all([post(server.url), post(baseline.url)]);
    if (!isDeepStrictEqual(viaGraphql, viaSql)) {
      throw new Error('the baseline does not return what the GraphQL query returns; the comparison would be unfair');
    }
    let statements = 0;
    const stop = server.statementLog.subscribe(() => (statements += 1));
    await post(server.url);
    stop();

    for (let index = 0; index < WARM_UP; index += 1) {
      await timed(server.url);
      await timed(baseline.url);
    }
    const graphql: Sample[] = [];
    const sql: Sample[] = [];
    // Interleaved, so a slow moment of the machine hits both series alike.
    for (let index = 0; index < ITERATIONS; index += 1) {
      graphql.push(await timed(server.url));
      sql.push(await timed(baseline.url));
    }

    const summary = (samples: Sample[]) => {
      const ms = samples.map((sample) => sample.ms);
      return [
        percentile(ms, 0.5),
        percentile(ms, 0.95),
        percentile(
          samples.map((sample) => sample.cpuMs),
          0.5,
        ),
      ] as const;
    };
    const rows = [
      ['GraphQL (server, HTTP)', ...summary(graphql)],
      ['baseline (mysql2 + JSON, HTTP)', ...summary(sql)],
    ] as const;
    const ratio = rows[0][1] / rows[1][1];
    console.log(
      `\ncustomers(first: ${CUSTOMERS}) with channels, flags(first: ${FLAGS_PER_CUSTOMER}) and activities(first: ${ACTIVITIES_PER_PAGE}),` +
        ` ${ITERATIONS} runs each after ${WARM_UP} warm-up runs; both sides timed as an HTTP round trip from this process` +
        ` (the baseline behind a minimal node:http server). The server issued ${statements} SQL statements per request; the baseline issues 6.`,
    );
    console.log('| path | p50 ms | p95 ms | CPU p50 ms |');
    console.log('|---|---|---|---|');
    for (const [label, median, p95, cpu] of rows) {
      console.log(`| ${label} | ${median.toFixed(2)} | ${p95.toFixed(2)} | ${cpu.toFixed(2)} |`);
    }
    console.log(
      `\nratio GraphQL/baseline (p50): ${ratio.toFixed(2)} (goal ≤ ${GOAL_RATIO.toFixed(1)}: ${ratio <= GOAL_RATIO ? 'met' : 'MISSED'})`,
    );
    console.log(`ratio GraphQL/baseline (p95): ${(rows[0][2] / rows[1][2]).toFixed(2)}`);
    console.log(
      'CPU is the whole process (HTTP client, server and baseline run in it one request at a time), so the CPU column is what each path costs in work;' +
        ' the database work is the same six statements on both sides.',
    );
  } finally {
    baseline.server.close();
    await pool.end();
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error('Benchmark failed:', error instanceof Error ? error.message : error);
  process.exit(1);
});

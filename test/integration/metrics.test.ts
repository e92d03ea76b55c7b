import { MAX_OPERATION_LABELS } from '../../src/core/metrics/metric-labels';
import { createValidCustomer, dataOf, gql, onlyErrorOf, uniqueLetters } from '../helpers/customer-api';
import { describeDb, startTestServer, TestServer } from '../helpers/test-server';

/** One line of the Prometheus text format: a metric name, its labels and its value. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const SAMPLE_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

function parseSamples(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = SAMPLE_LINE.exec(line);
    if (!match) throw new Error(`not a Prometheus sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(LABEL)) labels[key!] = value!;
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

/** The value of the one sample named `name` whose labels include `labels`; 0 when there is none yet (counters start absent). */
function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const found = samples.filter(
    (sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  );
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(labels)}`);
  return found[0]?.value ?? 0;
}

const LIST_CUSTOMERS = /* GraphQL */ `
  query ListCustomers {
    customers {
      totalCount
    }
  }
`;

describeDb('GET /metrics', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer();
    // The expired idempotency keys are removed just after start, outside any request: let that finish before counting statements.
    let last = Date.now();
    const stop = t.server.statementLog.subscribe(() => {
      last = Date.now();
    });
    while (Date.now() - last < 250) await new Promise((resolve) => setTimeout(resolve, 50));
    stop();
  });

  afterAll(async () => {
    await t?.close();
  });

  function metricsUrl(): string {
    return new URL('/metrics', t.server.url).toString();
  }

  async function scrape(): Promise<Sample[]> {
    const response = await fetch(metricsUrl());
    expect(response.status).toBe(200);
    return parseSamples(await response.text());
  }

  it('answers Prometheus text with every metric of the service and the default process metrics', async () => {
    // One request first, so the labelled histograms and counters have samples.
    await gql(t, LIST_CUSTOMERS);
    const response = await fetch(metricsUrl());
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4; charset=utf-8$/i);
    const text = await response.text();
    for (const name of [
      'http_request_duration_seconds',
      'graphql_operation_duration_seconds',
      'graphql_errors_total',
      'graphql_operation_sql_statements',
      'db_pool_connections',
      'process_cpu_user_seconds_total',
    ]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
    const samples = parseSamples(text);
    expect(samples.filter((sample) => sample.name === 'process_cpu_user_seconds_total')).toHaveLength(1);
    expect(valueOf(samples, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(valueOf(samples, 'http_request_duration_seconds_count', { method: 'POST', route: '/graphql', status: '200' })).toBeGreaterThan(
      0,
    );
  });

  it('reports database connections by state, open ones as busy plus idle', async () => {
    const samples = await scrape();
    const busy = samples.filter((sample) => sample.name === 'db_pool_connections' && sample.labels.state === 'busy');
    const idle = samples.filter((sample) => sample.name === 'db_pool_connections' && sample.labels.state === 'idle');
    expect(busy).toHaveLength(1);
    expect(idle).toHaveLength(1);
    expect(busy[0]!.value).toBeGreaterThanOrEqual(0);
    // The server has read from the database, so at least one connection is open, and none is lent out between requests.
    expect(busy[0]!.value + idle[0]!.value).toBeGreaterThanOrEqual(1);
    expect(busy[0]!.value).toBe(0);
  });

  it('records a named operation: duration by name and outcome, and the SQL statements it issued', async () => {
    await createValidCustomer(t, { givenName: 'Metric', familyName: uniqueLetters() });
    const before = await scrape();
    const { result, count } = await t.countStatements(() => t.graphql<{ customers: { totalCount: number } }>(LIST_CUSTOMERS));
    expect(dataOf(result).customers.totalCount).toBeGreaterThanOrEqual(1);
    expect(count).toBeGreaterThanOrEqual(1);
    const after = await scrape();

    const ok = { operation: 'ListCustomers', outcome: 'ok' };
    expect(valueOf(after, 'graphql_operation_duration_seconds_count', ok)).toBe(
      valueOf(before, 'graphql_operation_duration_seconds_count', ok) + 1,
    );
    expect(valueOf(after, 'graphql_operation_duration_seconds_sum', ok)).toBeGreaterThan(
      valueOf(before, 'graphql_operation_duration_seconds_sum', ok),
    );
    expect(valueOf(after, 'graphql_operation_duration_seconds_count', { operation: 'ListCustomers', outcome: 'error' })).toBe(0);

    const operation = { operation: 'ListCustomers' };
    expect(valueOf(after, 'graphql_operation_sql_statements_count', operation)).toBe(
      valueOf(before, 'graphql_operation_sql_statements_count', operation) + 1,
    );
    expect(valueOf(after, 'graphql_operation_sql_statements_sum', operation)).toBe(
      valueOf(before, 'graphql_operation_sql_statements_sum', operation) + count,
    );
    // The sample fell into the first bucket that holds `count`, and into none below it.
    const bucketDelta = (le: string) =>
      valueOf(after, 'graphql_operation_sql_statements_bucket', { ...operation, le }) -
      valueOf(before, 'graphql_operation_sql_statements_bucket', { ...operation, le });
    const bounds = after
      .filter((sample) => sample.name === 'graphql_operation_sql_statements_bucket' && sample.labels.operation === 'ListCustomers')
      .map((sample) => sample.labels.le!);
    for (const le of bounds) expect(bucketDelta(le)).toBe(le === '+Inf' || count <= Number(le) ? 1 : 0);
  });

  it('counts anonymous operations under "anonymous"', async () => {
    const before = await scrape();
    await gql(t, '{ customers(first: 1) { totalCount } }');
    const after = await scrape();
    const ok = { operation: 'anonymous', outcome: 'ok' };
    expect(valueOf(after, 'graphql_operation_duration_seconds_count', ok)).toBe(
      valueOf(before, 'graphql_operation_duration_seconds_count', ok) + 1,
    );
  });

  it('counts a top-level error by its code and records the operation as an error', async () => {
    const before = await scrape();
    const response = await t.graphql('query FirstZero { customers(first: 0) { totalCount } }');
    expect(onlyErrorOf(response).code).toBe('BAD_USER_INPUT');
    const after = await scrape();
    expect(valueOf(after, 'graphql_errors_total', { code: 'BAD_USER_INPUT' })).toBe(
      valueOf(before, 'graphql_errors_total', { code: 'BAD_USER_INPUT' }) + 1,
    );
    expect(valueOf(after, 'graphql_operation_duration_seconds_count', { operation: 'FirstZero', outcome: 'error' })).toBe(
      valueOf(before, 'graphql_operation_duration_seconds_count', { operation: 'FirstZero', outcome: 'error' }) + 1,
    );
    expect(valueOf(after, 'graphql_operation_duration_seconds_count', { operation: 'FirstZero', outcome: 'ok' })).toBe(0);
  });

  it('does not count userErrors of a mutation as GraphQL errors', async () => {
    const before = await scrape();
    const response = await gql<{ createCustomer: { userErrors: Array<{ code: string }> } }>(
      t,
      'mutation BadEmail { createCustomer(input: { givenName: "Bad", emailAddress: "not an address" }) { userErrors { code } } }',
    );
    expect(response.createCustomer.userErrors.map((error) => error.code)).toEqual(['INVALID']);
    const after = await scrape();
    const total = (samples: Sample[]) =>
      samples.filter((sample) => sample.name === 'graphql_errors_total').reduce((sum, sample) => sum + sample.value, 0);
    expect(total(after)).toBe(total(before));
    expect(valueOf(after, 'graphql_operation_duration_seconds_count', { operation: 'BadEmail', outcome: 'ok' })).toBe(1);
  });
});

describeDb('GET /metrics under made-up label values', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer();
  });

  afterAll(async () => {
    await t?.close();
  });

  async function seriesCount(): Promise<number> {
    const response = await fetch(new URL('/metrics', t.server.url));
    return parseSamples(await response.text()).length;
  }

  /** Runs `count` requests, `concurrency` at a time. */
  async function flood(count: number, request: (index: number) => Promise<unknown>, concurrency = 25): Promise<void> {
    for (let start = 0; start < count; start += concurrency) {
      await Promise.all(Array.from({ length: Math.min(concurrency, count - start) }, (_, offset) => request(start + offset)));
    }
  }

  const unknownPath = (prefix: string) => (index: number) =>
    fetch(new URL(`/${prefix}-${index}-${'x'.repeat(index % 50)}`, t.server.url)).then((response) => response.arrayBuffer());
  // Without a token (authentication is off here: every caller is anonymous), each with a name of its own; every tenth fails.
  const uniqueOperation = (prefix: string) => (index: number) =>
    t.graphql(index % 10 === 0 ? `query ${prefix}${index} { noSuchField }` : `query ${prefix}${index} { __typename }`);

  it('stays bounded: 2,000 unknown paths and 2,000 operation names add a fixed number of series, and more add none', async () => {
    const before = await seriesCount();
    await flood(2000, unknownPath('nowhere'));
    await flood(2000, uniqueOperation('Unique'));
    const afterFirst = await seriesCount();
    // Per label value at most one histogram (buckets + sum + count) per outcome and status; operation names are capped at 100.
    expect(afterFirst - before).toBeLessThan((MAX_OPERATION_LABELS + 2) * 2 * 30);

    await flood(500, unknownPath('elsewhere'));
    await flood(500, uniqueOperation('Fresh'));
    expect(await seriesCount()).toBe(afterFirst);

    const samples = parseSamples(await (await fetch(new URL('/metrics', t.server.url))).text());
    const routes = new Set(samples.filter((s) => s.name === 'http_request_duration_seconds_count').map((s) => s.labels.route));
    expect([...routes].sort()).toEqual(['/graphql', 'other']);
    expect(valueOf(samples, 'http_request_duration_seconds_count', { method: 'GET', route: 'other', status: '404' })).toBe(2500);
    const operations = new Set(samples.filter((s) => s.name === 'graphql_operation_duration_seconds_count').map((s) => s.labels.operation));
    // The first MAX_OPERATION_LABELS names, `other`, and `anonymous` (operations refused before their name is known).
    expect(operations.size).toBeLessThanOrEqual(MAX_OPERATION_LABELS + 2);
    expect(operations.has('other')).toBe(true);
    const codes = new Set(samples.filter((s) => s.name === 'graphql_errors_total').map((s) => s.labels.code));
    expect([...codes]).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  }, 120_000);
});

/**
 * `npm run bench:search`: what does search cost (issue 13)? Seeds BENCH_ROWS
 * customers (one million by default) into BENCH_DATABASE_URL when it holds
 * fewer (the seed fast path writes their search terms too), starts the real
 * server in-process and measures over HTTP:
 *
 * - the p50 of `customers(first: 20, filter: { search })` with one word (a
 *   family name) and with two words (a family name and the given name's first
 *   letters), each word taken from BENCH_SAMPLES random live customers, against
 *   the p50 of a plain `customers(first: 20)` timed interleaved with them;
 *   goal ≤ 3×;
 * - `createCustomer` throughput (BENCH_WRITES requests per round,
 *   BENCH_CONCURRENCY at a time) with the search terms written, against the
 *   same server with the term writes switched off in-process (the
 *   SearchTermRepository inserts made no-ops), alternating rounds; goal ≥ 0.8;
 * - the slowest answer to searches of words that are each common (see
 *   BROAD_SEARCHES): what one hostile search can cost.
 */
import 'reflect-metadata';
import { loadavg } from 'node:os';
import { faker } from '@faker-js/faker';
import { loadConfig } from '../src/core/config';
import { createLogger } from '../src/core/logging/logger';
import { SearchTermRepository } from '../src/data/repositories/search-term.repository';
import { randomCustomerInput } from '../src/scripts/seed-customers';
import { RunningServer, startServer } from '../src/server';
import { normalizePhoneNumber } from '../src/domain/field.rules';
import { checkNotBothNamesBlank, CustomerFieldsInput, validateCustomerFields } from '../src/domain/customer/customer-fields.rules';
import { createDatabaseIfMissing, mysqlSettings, positiveInteger } from './bench-settings';
import { percentile } from './statistics';
import { seedBrandTo } from './seeding';

const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/customer_bench';
const ROWS = positiveInteger('BENCH_ROWS', 1_000_000);
const SAMPLES = positiveInteger('BENCH_SAMPLES', 20);
const REPETITIONS = positiveInteger('BENCH_REPETITIONS', 5);
const WRITES = positiveInteger('BENCH_WRITES', 1000);
const CONCURRENCY = positiveInteger('BENCH_CONCURRENCY', 4);
const WRITE_ROUNDS = 3;
const PAGE_SIZE = 20;
export const SEARCH_GOAL = 3;
export const WRITE_GOAL = 0.8;
const BRAND = 'default';
/** The same seed draws the same search strings, so runs of two versions of the code compare. */
const SEED = positiveInteger('BENCH_SEED', 13);

const PAGE_QUERY = `query Page($first: Int, $filter: CustomerFilter) {
  customers(first: $first, filter: $filter) { nodes { id name emailAddress phoneNumber languageCode createdAt } pageInfo { hasNextPage endCursor } }
}`;

const CREATE = `mutation Create($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } userErrors { code } } }`;

async function post(server: RunningServer, query: string, variables: Record<string, unknown>): Promise<Record<string, unknown>> {
  const response = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: Record<string, unknown>; errors?: unknown };
  if (!body.data || body.errors) throw new Error(`request failed: ${JSON.stringify(body.errors ?? body)}`);
  return body.data;
}

async function timedPage(server: RunningServer, filter: Record<string, unknown> | undefined): Promise<{ ms: number; rows: number }> {
  const started = process.hrtime.bigint();
  const data = await post(server, PAGE_QUERY, { first: PAGE_SIZE, filter });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  return { ms, rows: (data.customers as { nodes: unknown[] }).nodes.length };
}

/** Search strings a person would type, made from random live customers: a family name, and a family name with the given name's start. */
async function searches(server: RunningServer): Promise<{ one: string[]; two: string[] }> {
  const rows = (await server.dataSource.query(
    `SELECT given_name AS givenName, family_name AS familyName FROM customers
      WHERE brand = ? AND deleted_at IS NULL AND id >= ? AND family_name <> '' AND given_name <> '' ORDER BY id LIMIT ?`,
    [BRAND, 'cus_0', SAMPLES * 50],
  )) as Array<{ givenName: string; familyName: string }>;
  faker.seed(SEED);
  const picked = faker.helpers.arrayElements(rows, Math.min(SAMPLES, rows.length));
  // The customers the bench then creates are random again: the same ones would collide with the last run's.
  faker.seed();
  return {
    one: picked.map((row) => row.familyName.split(/\s+/)[0]!),
    two: picked.map((row) => `${row.familyName.split(/\s+/)[0]!} ${Array.from(row.givenName).slice(0, 3).join('')}`),
  };
}

interface SearchFigures {
  plain: number;
  one: number;
  two: number;
  oneP95: number;
  twoP95: number;
}

async function measureSearch(server: RunningServer, words: { one: string[]; two: string[] }): Promise<SearchFigures> {
  const plain: number[] = [];
  const one: number[] = [];
  const two: number[] = [];
  // Warm-up, untimed.
  for (const search of [...words.one, ...words.two]) await timedPage(server, { search });
  for (let repetition = 0; repetition < REPETITIONS; repetition += 1) {
    for (let index = 0; index < words.one.length; index += 1) {
      plain.push((await timedPage(server, undefined)).ms);
      one.push((await timedPage(server, { search: words.one[index]! })).ms);
      two.push((await timedPage(server, { search: words.two[index]! })).ms);
    }
  }
  return {
    plain: percentile(plain, 0.5),
    one: percentile(one, 0.5),
    two: percentile(two, 0.5),
    oneP95: percentile(one, 0.95),
    twoP95: percentile(two, 0.95),
  };
}

/**
 * Searches whose words are each common (single letters, the e-mail domain):
 * no word drives the page, which walks the order's windows. Their figure is
 * the slowest of BROAD_REPETITIONS answers, whatever the answer (a page, or
 * the refusal of a search too broad): the bound one request can cost.
 */
const BROAD_SEARCHES = ['a b c d e f g h i j', 'a e i o u', 'gmail com', 'z q x'];
/** Nine single letters after a rare word: the rare word drives, and each of its customers is checked for the letters. */
const LETTERS_AFTER = ' a e i o u r s t n';
const BROAD_REPETITIONS = 3;

async function measureBroad(
  server: RunningServer,
  rareWord: string,
): Promise<Array<{ search: string; slowestMs: number; answer: string }>> {
  const figures: Array<{ search: string; slowestMs: number; answer: string }> = [];
  for (const search of [...BROAD_SEARCHES, `${rareWord}${LETTERS_AFTER}`]) {
    let slowestMs = 0;
    let answer = '';
    for (let repetition = 0; repetition < BROAD_REPETITIONS; repetition += 1) {
      const started = process.hrtime.bigint();
      const response = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: PAGE_QUERY, variables: { first: PAGE_SIZE, filter: { search } } }),
      });
      const body = (await response.json()) as {
        data?: { customers: { nodes: unknown[] } } | null;
        errors?: Array<{ extensions?: { code?: string } }>;
      };
      slowestMs = Math.max(slowestMs, Number(process.hrtime.bigint() - started) / 1e6);
      answer = body.errors
        ? `refused (${body.errors.map((error) => error.extensions?.code).join(', ')})`
        : `${body.data?.customers.nodes.length ?? 0} rows`;
    }
    figures.push({ search, slowestMs, answer });
  }
  return figures;
}

/** A random input that createCustomer accepts (faker's names are not always valid ones). */
function validInput(isValidPhone: (raw: string) => boolean): CustomerFieldsInput {
  for (;;) {
    const input = randomCustomerInput(faker, isValidPhone);
    const { changes, errors } = validateCustomerFields(input, []);
    if (errors.length === 0 && checkNotBothNamesBlank(changes.givenName ?? '', changes.familyName ?? '', []) === null) return input;
  }
}

/** createCustomer requests per second: WRITES requests, CONCURRENCY at a time. */
async function writeRate(server: RunningServer, isValidPhone: (raw: string) => boolean): Promise<number> {
  const inputs = Array.from({ length: WRITES }, () => validInput(isValidPhone));
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < inputs.length) {
        const input = inputs[next++]!;
        const data = await post(server, CREATE, { input });
        const payload = data.createCustomer as { userErrors: unknown[] };
        if (payload.userErrors.length > 0)
          throw new Error(`createCustomer refused ${JSON.stringify(input)}: ${JSON.stringify(payload.userErrors)}`);
      }
    }),
  );
  return WRITES / (Number(process.hrtime.bigint() - started) / 1e9);
}

/** Runs `work` with the term inserts of every repository switched off (this process only). */
async function withoutTermWrites<T>(work: () => Promise<T>): Promise<T> {
  const prototype = SearchTermRepository.prototype;
  const saved = { customers: prototype.insertForCustomers, channels: prototype.insertForChannels };
  prototype.insertForCustomers = async () => undefined;
  prototype.insertForChannels = async () => undefined;
  try {
    return await work();
  } finally {
    prototype.insertForCustomers = saved.customers;
    prototype.insertForChannels = saved.channels;
  }
}

async function main(): Promise<void> {
  await createDatabaseIfMissing(mysqlSettings(DATABASE_URL));
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', PORT: '0', DATABASE_URL, DB_STATEMENT_TIMEOUT_MS: '600000' });
  const server = await startServer(config, createLogger(config.logLevel));
  try {
    console.log(
      `Search benchmark on ${config.database.dialect}; load average ${loadavg()
        .map((load) => load.toFixed(2))
        .join(' ')}.`,
    );
    await seedBrandTo(server, BRAND, ROWS);
    const words = await searches(server);
    console.log(`One-word searches: ${words.one.join(', ')}\nTwo-word searches: ${words.two.join(', ')}`);
    const search = await measureSearch(server, words);
    console.log(`plain first page (first: ${PAGE_SIZE}) p50: ${search.plain.toFixed(2)} ms`);
    console.log(`one-word search page p50: ${search.one.toFixed(2)} ms (p95 ${search.oneP95.toFixed(2)} ms)`);
    console.log(`two-word search page p50: ${search.two.toFixed(2)} ms (p95 ${search.twoP95.toFixed(2)} ms)`);
    const broad = await measureBroad(server, words.one[0]!);
    for (const { search: words, slowestMs, answer } of broad)
      console.log(`broad search "${words}": slowest of ${BROAD_REPETITIONS} ${slowestMs.toFixed(1)} ms, ${answer}`);
    const isValidPhone = (raw: string) => normalizePhoneNumber(raw) !== null;
    const withTerms: number[] = [];
    const withoutTerms: number[] = [];
    await writeRate(server, isValidPhone);
    for (let round = 0; round < WRITE_ROUNDS; round += 1) {
      withTerms.push(await writeRate(server, isValidPhone));
      withoutTerms.push(await withoutTermWrites(() => writeRate(server, isValidPhone)));
    }
    const withRate = percentile(withTerms, 0.5);
    const withoutRate = percentile(withoutTerms, 0.5);
    const [{ terms }] = (await server.dataSource.query('SELECT COUNT(*) AS terms FROM customer_search_terms WHERE brand = ?', [BRAND])) as [
      { terms: number | string },
    ];
    // The figures depend on whether the terms and customers fit in the buffer pool (the server's setting, not the bench's).
    const [{ pool }] = (await server.dataSource.query('SELECT @@innodb_buffer_pool_size AS pool')) as [{ pool: number | string }];
    console.log(
      `\n${ROWS} customers, ${terms} search terms; InnoDB buffer pool ${(Number(pool) / 2 ** 20).toFixed(0)} MiB; load average ${loadavg()
        .map((load) => load.toFixed(2))
        .join(' ')}.`,
    );
    console.log(`plain first page (first: ${PAGE_SIZE}) p50: ${search.plain.toFixed(2)} ms`);
    console.log(`one-word search page p50: ${search.one.toFixed(2)} ms (p95 ${search.oneP95.toFixed(2)} ms)`);
    console.log(`two-word search page p50: ${search.two.toFixed(2)} ms (p95 ${search.twoP95.toFixed(2)} ms)`);
    for (const { search: words, slowestMs, answer } of broad)
      console.log(`broad search "${words}": slowest of ${BROAD_REPETITIONS} ${slowestMs.toFixed(1)} ms, ${answer}`);
    console.log(
      `createCustomer with search terms: ${withRate.toFixed(0)}/s; without: ${withoutRate.toFixed(0)}/s (concurrency ${CONCURRENCY})`,
    );
    const lines: Array<[string, number, string, boolean]> = [
      ['ratio one-word search / plain page p50', search.one / search.plain, `≤ ${SEARCH_GOAL}`, search.one / search.plain <= SEARCH_GOAL],
      ['ratio two-word search / plain page p50', search.two / search.plain, `≤ ${SEARCH_GOAL}`, search.two / search.plain <= SEARCH_GOAL],
      ['ratio createCustomer with / without search terms', withRate / withoutRate, `≥ ${WRITE_GOAL}`, withRate / withoutRate >= WRITE_GOAL],
    ];
    for (const [figure, value, goal, met] of lines) console.log(`${figure}: ${value.toFixed(2)} (goal ${goal}: ${met ? 'met' : 'MISSED'})`);
  } finally {
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CustomerView, createValidCustomer, seedCustomers, uniqueLetters } from './customer-api';
import { startTestServer, TestServer } from './test-server';

/** The names of the project's flag registry (`config/flags.json`), in its order. */
export const FLAG_NAMES = (JSON.parse(readFileSync(join(__dirname, '../../config/flags.json'), 'utf8')) as Array<{ name: string }>).map(
  (flag) => flag.name,
);

/**
 * The set-up of the tests about one customer's parts (channels, flags, activities): one server per file, and a
 * fresh customer of the given name before each test. `current()` gives both to the test.
 */
export function useServerWithCustomer(givenName: string): { current(): { t: TestServer; customer: CustomerView } } {
  let t: TestServer | undefined;
  let customer: CustomerView | undefined;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t?.close();
  });
  beforeEach(async () => {
    customer = await createValidCustomer(t!, { givenName, familyName: uniqueLetters() });
  });
  return {
    current() {
      if (!t || !customer) throw new Error('useServerWithCustomer: read current() inside a test or hook');
      return { t, customer };
    },
  };
}

/** What was seeded for one customer, in the order the API must return it. */
export interface SeededCustomer {
  id: string;
  channels: string[];
  flags: string[];
  /** Newest first. */
  activityTypes: string[];
}

/** An index as three digits, as the seeded ids, values and activity types carry it. */
export const padIndex = (n: number) => String(n).padStart(3, '0');

/**
 * Seeds `count` customers with channels, flags and activities, sharing a family name: through upsertCustomers
 * (which writes customer.created), then each customer's two channels, five of the six registry flags (a different
 * one left out per customer) and three external activities, older than customer.created, in one INSERT per table.
 */
export async function seedCustomersWithParts(t: TestServer, count: number): Promise<{ familyName: string; customers: SeededCustomer[] }> {
  const familyName = uniqueLetters();
  const created = await seedCustomers(
    t,
    Array.from({ length: count }, (_, i) => ({ externalId: `${familyName}-${padIndex(i)}`, givenName: 'Nested', familyName })),
  );
  const customers: SeededCustomer[] = created.map((customer, i) => ({
    id: customer.id,
    channels: [`${familyName}-${padIndex(i)}@example.com`, `${familyName}-${padIndex(i)}-other`],
    flags: FLAG_NAMES.filter((_, f) => f !== i % FLAG_NAMES.length).sort(),
    activityTypes: ['customer.created', `seen.${padIndex(i)}.2`, `seen.${padIndex(i)}.1`],
  }));

  const channelRows = customers.flatMap((customer, i) => [
    [
      `chn_${familyName}${padIndex(i)}e`.slice(0, 30),
      customer.id,
      'default',
      'EMAIL',
      customer.channels[0],
      `2024-01-01 00:00:0${i % 10}.000`,
    ],
    [`chn_${familyName}${padIndex(i)}o`.slice(0, 30), customer.id, 'default', 'OTHER', customer.channels[1], `2024-01-02 00:00:00.000`],
  ]);
  await insertRows(t, 'customer_channels', ['id', 'customer_id', 'brand', 'type', 'value', 'created_at'], channelRows);

  const flagRows = customers.flatMap((customer) => customer.flags.map((name) => [customer.id, name, 'default', '2024-01-01 00:00:00.000']));
  await insertRows(t, 'customer_flags', ['customer_id', 'name', 'brand', 'added_at'], flagRows);

  const activityRows = customers.flatMap((customer, i) =>
    [0, 1, 2].map((k) => [
      `act_${familyName}${padIndex(i)}${k}`.slice(0, 30),
      customer.id,
      'default',
      `seen.${padIndex(i)}.${k}`,
      'EXTERNAL',
      '{}',
      `2024-01-0${k + 1} 00:00:00.000`,
      `2024-01-0${k + 1} 00:00:00.000`,
    ]),
  );
  await insertRows(
    t,
    'customer_activities',
    ['id', 'customer_id', 'brand', 'type', 'origin', 'data', 'occurred_at', 'recorded_at'],
    activityRows,
  );
  return { familyName, customers };
}

/** Inserts rows straight into a table, with multi-row statements of `perStatement` rows. */
export async function insertRows(t: TestServer, table: string, columns: string[], rows: unknown[][], perStatement = 400): Promise<void> {
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  for (let start = 0; start < rows.length; start += perStatement) {
    const chunk = rows.slice(start, start + perStatement);
    await t.sql(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${chunk.map(() => tuple).join(', ')}`, chunk.flat());
  }
}

import { insertRows } from '../helpers/fixtures';
import { gql } from '../helpers/customer-api';
import { ulid } from 'ulid';

import { TableAccess, tableAccesses } from '../helpers/query-plan';
import { describeDb, dialect, startTestServer, TestServer } from '../helpers/test-server';

/**
 * Plan tests, not timing tests: the statement a deep page issues is read back
 * from the server's statement log (SQL and bound values) and explained. On
 * MariaDB, `ANALYZE FORMAT=JSON` runs it and reports what it read: the table
 * must be reached by a range (or ref) of the intended index, read about one
 * page of rows, and never be sorted. On SQLite, `EXPLAIN QUERY PLAN` must show
 * a search of the intended index bounded by the cursor and no sort.
 */

jest.setTimeout(600_000);

const BRAND = 'default';
const CUSTOMERS = 4000;
const OTHER_BRAND_CUSTOMERS = 1000;
/** Every DELETED_EVERY-th customer is deleted. */
const DELETED_EVERY = 7;
const ACTIVITIES = 3000;
const FLAGS = 400;
const PAGE = 20;
/** How deep the cursor of a customers page lies (one request of the maximum size reaches it). */
const CUSTOMER_DEPTH = 1000;
const NESTED_DEPTH = 1000;
const FLAG_DEPTH = 200;
/** Half the customers' family names start with this; the name filter's selectivity. */
const NAME_PREFIX = 'mo';
const NAME_SELECTIVITY = 0.5;

type SortField = 'CREATED_AT' | 'UPDATED_AT' | 'FAMILY_NAME' | 'EMAIL_ADDRESS';
type Direction = 'ASC' | 'DESC';
type Paging = 'forward' | 'backward';
type Variant = 'live' | 'name' | 'includeDeleted';

const SORT_COLUMN: Record<SortField, string> = {
  CREATED_AT: 'created_at',
  UPDATED_AT: 'updated_at',
  FAMILY_NAME: 'family_name_key',
  EMAIL_ADDRESS: 'email_key',
};

/** Few distinct family names, so many customers tie on the sort value and the id decides. */
const FAMILY_NAMES = ['Moreau', 'Morales', 'Moser', 'Mohr', 'Becker', 'Kowalski', 'Nguyen', 'Silva'];

const stamp = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

const CUSTOMER_COLUMNS = [
  'id',
  'brand',
  'external_id',
  'given_name',
  'family_name',
  'name_key',
  'family_name_key',
  'email_address',
  'email_key',
  'phone_number',
  'language_code',
  'metadata',
  'created_at',
  'updated_at',
  'deleted_at',
  'version',
];

function customerRows(brand: string, count: number, start: number): unknown[][] {
  const rows: unknown[][] = [];
  for (let index = 0; index < count; index += 1) {
    // Created in id order within a second, several per millisecond so created_at ties too.
    const created = start + Math.floor(index / 3);
    const familyName = FAMILY_NAMES[index % FAMILY_NAMES.length]!;
    const givenName = `Given${index % 97}`;
    const email = index % 10 === 0 ? null : `user${(index * 7919) % count}@example.com`;
    const deleted = index % DELETED_EVERY === 3 ? stamp(created + 5000) : null;
    rows.push([
      `cus_${ulid(created)}`,
      brand,
      null,
      givenName,
      familyName,
      `${givenName} ${familyName}`.toLowerCase(),
      familyName.toLowerCase(),
      email,
      email ?? '',
      null,
      null,
      '{}',
      stamp(created),
      stamp(created + ((index * 104729) % 100000)),
      deleted,
      1,
    ]);
  }
  return rows;
}

interface Statement {
  sql: string;
  parameters: unknown[];
}

/** Runs `work` and returns the statements that read `table` with a LIMIT (the page reads). */
async function pageStatements(t: TestServer, table: string, work: () => Promise<unknown>): Promise<Statement[]> {
  const statements: Statement[] = [];
  const stop = t.server.statementLog.subscribe((sql, parameters) => statements.push({ sql, parameters: [...parameters] }));
  try {
    await work();
  } finally {
    stop();
  }
  const from = new RegExp(`FROM [\`"]${table}[\`"]`);
  return statements.filter((statement) => from.test(statement.sql) && /LIMIT/.test(statement.sql));
}

/** Whether a filesort in the plan reads `table` itself (not the derived result of a union). */
function sortsTable(node: unknown, table: string): boolean {
  if (Array.isArray(node)) return node.some((item) => sortsTable(item, table));
  if (node === null || typeof node !== 'object') return false;
  const record = node as Record<string, unknown>;
  const sorted = record.filesort as Record<string, unknown> | undefined;
  if (sorted && (sorted.table as TableAccess | undefined)?.table_name === table) return true;
  return Object.values(record).some((value) => sortsTable(value, table));
}

interface Expectation {
  table: string;
  index: string;
  /** The index column the cursor bound must range over (deep pages), or null for a first page. */
  rangeColumn: string | null;
  /** The most rows the statement may read from the table. */
  maxRows: number;
}

/** Explains one statement and checks its plan; returns the plan for the failure message. */
async function expectPlan(t: TestServer, statement: Statement, expectation: Expectation): Promise<void> {
  if (dialect === 'mysql') {
    const [row] = await t.sql<Record<string, string>>(`ANALYZE FORMAT=JSON ${statement.sql}`, statement.parameters);
    const json = Object.values(row!)[0]!;
    const accesses = tableAccesses(JSON.parse(json)).filter((access) => access.table_name === expectation.table);
    const access = accesses[0];
    const found = {
      accesses: accesses.length,
      accessType: access?.access_type,
      key: access?.key,
      rangeStartsAtCursor: expectation.rangeColumn === null || (access?.used_key_parts ?? []).includes(expectation.rangeColumn),
      rowsWithinPage: (access?.r_rows ?? Infinity) * (access?.r_loops ?? 1) <= expectation.maxRows,
      sorted: /"filesort"|read_sorted_file|temporary_table/.test(json),
    };
    const wanted = {
      accesses: 1,
      accessType: expectation.rangeColumn === null ? (found.accessType === 'range' ? 'range' : 'ref') : 'range',
      key: expectation.index,
      rangeStartsAtCursor: true,
      rowsWithinPage: true,
      sorted: false,
    };
    if (JSON.stringify(found) !== JSON.stringify(wanted)) {
      throw new Error(
        `${JSON.stringify(found)} is not ${JSON.stringify(wanted)}\n${statement.sql}\n${JSON.stringify(statement.parameters)}\n${json}`,
      );
    }
  } else {
    const rows = await t.sql<{ detail: string }>(`EXPLAIN QUERY PLAN ${statement.sql}`, statement.parameters);
    const details = rows.map((row) => row.detail);
    const context = `${statement.sql}\n${details.join('\n')}`;
    const search = details.filter((detail) =>
      new RegExp(`^SEARCH ${expectation.table} USING (COVERING )?INDEX ${expectation.index} \\(`).test(detail),
    );
    const bounded = search.filter(
      (detail) => expectation.rangeColumn === null || new RegExp(`${expectation.rangeColumn}[^)]*\\)?[<>]`).test(detail),
    );
    expect({
      context,
      searches: search.length,
      bounded: bounded.length,
      sorted: details.some((detail) => /TEMP B-TREE/.test(detail)),
    }).toEqual({
      context,
      searches: 1,
      bounded: 1,
      sorted: false,
    });
  }
}

const CUSTOMERS_PAGE = /* GraphQL */ `
  query ($first: Int, $after: String, $last: Int, $before: String, $filter: CustomerFilter, $orderBy: CustomerOrder) {
    customers(first: $first, after: $after, last: $last, before: $before, filter: $filter, orderBy: $orderBy) {
      nodes {
        id
      }
      pageInfo {
        endCursor
      }
    }
  }
`;

const ACTIVITIES_PAGE = /* GraphQL */ `
  query ($id: ID!, $first: Int, $after: String, $last: Int, $before: String) {
    customer(id: $id) {
      activities(first: $first, after: $after, last: $last, before: $before) {
        nodes {
          id
        }
        pageInfo {
          endCursor
        }
      }
    }
  }
`;

const FLAGS_PAGE = /* GraphQL */ `
  query ($id: ID!, $first: Int, $after: String) {
    customer(id: $id) {
      flags(first: $first, after: $after) {
        nodes {
          name
        }
        pageInfo {
          endCursor
        }
      }
    }
  }
`;

interface PageView {
  nodes: unknown[];
  pageInfo: { endCursor: string | null };
}

describeDb('query plans of deep pages', () => {
  let t: TestServer;
  let timelineCustomer: string;
  let flaggedCustomer: string;

  beforeAll(async () => {
    t = await startTestServer();
    const start = Date.parse('2025-01-01T00:00:00.000Z');
    const customers = customerRows(BRAND, CUSTOMERS, start);
    await insertRows(t, 'customers', CUSTOMER_COLUMNS, customers);
    await insertRows(t, 'customers', CUSTOMER_COLUMNS, customerRows('other-brand', OTHER_BRAND_CUSTOMERS, start));
    timelineCustomer = String(customers[1]![0]);
    flaggedCustomer = String(customers[2]![0]);

    const activityColumns = [
      'id',
      'customer_id',
      'brand',
      'type',
      'origin',
      'message',
      'initiated_by',
      'source_url',
      'data',
      'occurred_at',
      'recorded_at',
    ];
    const activities: unknown[][] = [];
    const activityOf = (customerId: string, index: number, at: number): unknown[] => [
      `act_${ulid(at + index)}`,
      customerId,
      BRAND,
      'order.placed',
      'EXTERNAL',
      null,
      null,
      null,
      '{}',
      // Pairs of activities at one instant: the id breaks the tie.
      stamp(at + Math.floor(index / 2) * 1000),
      stamp(at + index),
    ];
    for (let index = 0; index < ACTIVITIES; index += 1) activities.push(activityOf(timelineCustomer, index, start));
    // Other customers' timelines beside it, so the customer's range is a part of the index.
    for (const customer of customers.slice(3, 23)) {
      for (let index = 0; index < 100; index += 1) activities.push(activityOf(String(customer[0]), index, start + 10_000_000));
    }
    await insertRows(t, 'customer_activities', activityColumns, activities);

    const flags: unknown[][] = [];
    for (let index = 0; index < FLAGS; index += 1)
      flags.push([flaggedCustomer, `flag-${String(index).padStart(4, '0')}`, BRAND, stamp(start)]);
    for (const customer of customers.slice(3, 203)) flags.push([String(customer[0]), 'flag-0001', BRAND, stamp(start)]);
    await insertRows(t, 'customer_flags', ['customer_id', 'name', 'brand', 'added_at'], flags);

    // Fresh statistics, as a database that grew to this size would have.
    if (dialect === 'mysql') {
      for (const table of ['customers', 'customer_activities', 'customer_flags']) await t.sql(`ANALYZE TABLE ${table}`);
    } else {
      await t.sql('ANALYZE');
    }
  });

  afterAll(async () => {
    await t?.close();
  });

  const cases: Array<[SortField, Direction, Paging, Variant]> = [];
  for (const field of Object.keys(SORT_COLUMN) as SortField[]) {
    for (const direction of ['ASC', 'DESC'] as const) {
      for (const paging of ['forward', 'backward'] as const) {
        for (const variant of ['live', 'name', 'includeDeleted'] as const) cases.push([field, direction, paging, variant]);
      }
    }
  }

  it.each(cases)(
    'customers ordered by %s %s, %s, %s: a range of the intended index from the cursor',
    async (field, direction, paging, variant) => {
      const filter = variant === 'name' ? { name: NAME_PREFIX } : variant === 'includeDeleted' ? { includeDeleted: true } : undefined;
      const orderBy = { field, direction };
      const lead = await gql<{ customers: PageView }>(t, CUSTOMERS_PAGE, { first: CUSTOMER_DEPTH, filter, orderBy });
      expect(lead.customers.nodes).toHaveLength(CUSTOMER_DEPTH);
      const cursor = lead.customers.pageInfo.endCursor;
      const variables = paging === 'forward' ? { first: PAGE, after: cursor } : { last: PAGE, before: cursor };

      let page: PageView | undefined;
      const [statement, ...others] = await pageStatements(t, 'customers', async () => {
        page = (await gql<{ customers: PageView }>(t, CUSTOMERS_PAGE, { ...variables, filter, orderBy })).customers;
      });
      expect(others).toEqual([]);
      expect(page?.nodes).toHaveLength(PAGE);

      const column = SORT_COLUMN[field];
      const index = variant === 'includeDeleted' ? `ix_customers_brand_${column}_id` : `ix_customers_brand_live_${column}_id`;
      const rowsPerMatch = variant === 'name' ? 1 / NAME_SELECTIVITY : 1;
      // One row more than the page tells whether more follow; the name filter skips the rows it does not match.
      await expectPlan(t, statement!, { table: 'c', index, rangeColumn: column, maxRows: Math.ceil((PAGE + 1) * rowsPerMatch * 1.5) + 2 });
    },
  );

  it.each(['CREATED_AT', 'FAMILY_NAME', 'EMAIL_ADDRESS'] as const)(
    'the first page of customers ordered by %s reads one page of its index',
    async (field) => {
      const [statement] = await pageStatements(t, 'customers', () =>
        gql(t, CUSTOMERS_PAGE, { first: PAGE, orderBy: { field, direction: 'DESC' } }),
      );
      await expectPlan(t, statement!, {
        table: 'c',
        index: `ix_customers_brand_live_${SORT_COLUMN[field]}_id`,
        rangeColumn: null,
        maxRows: PAGE + 1,
      });
    },
  );

  /** The cursor `depth` rows into a nested connection, paged with the largest nested page. */
  async function nestedCursor(query: string, field: 'activities' | 'flags', id: string, depth: number): Promise<string> {
    let after: string | null = null;
    for (let read = 0; read < depth; read += 100) {
      const data: { customer: Record<string, PageView> } = await gql(t, query, { id, first: 100, after });
      after = data.customer[field]!.pageInfo.endCursor;
    }
    return after!;
  }

  it.each(['forward', 'backward'] as const)(
    'a deep page of a timeline, %s, is a range of the timeline index from the cursor',
    async (paging) => {
      const cursor = await nestedCursor(ACTIVITIES_PAGE, 'activities', timelineCustomer, NESTED_DEPTH);
      const variables = paging === 'forward' ? { first: PAGE, after: cursor } : { last: PAGE, before: cursor };
      let page: PageView | undefined;
      const [statement, ...others] = await pageStatements(t, 'customer_activities', async () => {
        page = (await gql<{ customer: { activities: PageView } }>(t, ACTIVITIES_PAGE, { id: timelineCustomer, ...variables })).customer
          .activities;
      });
      expect(others).toEqual([]);
      expect(page?.nodes).toHaveLength(PAGE);
      await expectPlan(t, statement!, {
        table: 'a',
        index: 'ix_customer_activities_customer_occurred',
        rangeColumn: 'occurred_at',
        maxRows: PAGE + 2,
      });
    },
  );

  it('a deep page of flags is a range of the (brand, customer, name) index from the cursor', async () => {
    const cursor = await nestedCursor(FLAGS_PAGE, 'flags', flaggedCustomer, FLAG_DEPTH);
    let page: PageView | undefined;
    const [statement, ...others] = await pageStatements(t, 'customer_flags', async () => {
      page = (await gql<{ customer: { flags: PageView } }>(t, FLAGS_PAGE, { id: flaggedCustomer, first: PAGE, after: cursor })).customer
        .flags;
    });
    expect(others).toEqual([]);
    expect(page?.nodes).toHaveLength(PAGE);
    await expectPlan(t, statement!, { table: 'f', index: 'ix_customer_flags_brand_customer_name', rangeColumn: 'name', maxRows: PAGE + 2 });
  });

  it('the timelines of a list of customers are one range of the timeline index per customer, with no sort or temporary table after them', async () => {
    const LIST = 10;
    const NESTED_PAGE = 5;
    const query = /* GraphQL */ `
      query ($first: Int, $nested: Int) {
        customers(first: $first) {
          nodes {
            activities(first: $nested) {
              nodes {
                id
              }
            }
          }
        }
      }
    `;
    const [statement, ...others] = await pageStatements(t, 'customer_activities', () =>
      gql(t, query, { first: LIST, nested: NESTED_PAGE }),
    );
    expect(others).toEqual([]);
    if (dialect === 'mysql') {
      const [row] = await t.sql<Record<string, string>>(`ANALYZE FORMAT=JSON ${statement!.sql}`, statement!.parameters);
      const json = Object.values(row!)[0]!;
      const plan: unknown = JSON.parse(json);
      const accesses = tableAccesses(plan).filter((access) => access.table_name === 'a');
      const summary = accesses.map((access) => ({
        key: access.key,
        ranged: ['ref', 'range'].includes(access.access_type),
        withinPage: (access.r_rows ?? 0) * (access.r_loops ?? 1) <= NESTED_PAGE + 1,
      }));
      const wanted = accesses.map(() => ({ key: 'ix_customer_activities_customer_occurred', ranged: true, withinPage: true }));
      expect({ json, summary, count: accesses.length }).toEqual({ json, summary: wanted, count: LIST });
      // Each page comes in its index's order; the union is neither sorted nor copied (each parent's rows are ordered in
      // the reader), so no row is written to a temporary table, on disk for the TEXT columns of activities.
      const union = (plan as { query_block?: { union_result?: Record<string, unknown> } }).query_block?.union_result;
      expect({
        json,
        sortedTimeline: sortsTable(plan, 'a'),
        union: union === undefined ? 'none' : 'table_name' in union || union.using_temporary_table === true ? 'materialised' : 'streamed',
        sorted: /"filesort"/.test(json),
      }).toEqual({ json, sortedTimeline: false, union: 'streamed', sorted: false });
    } else {
      const rows = await t.sql<{ detail: string }>(`EXPLAIN QUERY PLAN ${statement!.sql}`, statement!.parameters);
      const details = rows.map((row) => row.detail);
      const searches = details.filter((detail) =>
        /^SEARCH a USING INDEX ix_customer_activities_customer_occurred \(customer_id=\?\)/.test(detail),
      );
      expect({
        details,
        searches: searches.length,
        scans: details.filter((detail) => /^SCAN a\b/.test(detail)).length,
        sortsUnion: details.some((detail) => /TEMP B-TREE/.test(detail) && !/^SEARCH/.test(detail)),
      }).toEqual({ details, searches: LIST, scans: 0, sortsUnion: false });
    }
  });
});

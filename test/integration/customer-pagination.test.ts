import { ulid } from 'ulid';
import { dataOf, deleteCustomer, gql, letters, onlyErrorOf, seedCustomers, uniqueLetters, updateCustomer } from '../helpers/customer-api';
import { describeDb, GraphQLResponse, startTestServer, TestServer } from '../helpers/test-server';

type SortField = 'CREATED_AT' | 'UPDATED_AT' | 'FAMILY_NAME' | 'EMAIL_ADDRESS';
type Direction = 'ASC' | 'DESC';

interface Node {
  id: string;
  familyName: string;
  emailAddress: string | null;
  createdAt: string;
  updatedAt: string;
}

interface Page {
  edges: Array<{ cursor: string; node: Node }>;
  nodes: Node[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

const PAGE = /* GraphQL */ `
  query Page($first: Int, $after: String, $last: Int, $before: String, $filter: CustomerFilter, $orderBy: CustomerOrder) {
    customers(first: $first, after: $after, last: $last, before: $before, filter: $filter, orderBy: $orderBy) {
      edges {
        cursor
        node {
          id
          familyName
          emailAddress
          createdAt
          updatedAt
        }
      }
      nodes {
        id
      }
      pageInfo {
        hasNextPage
        hasPreviousPage
        startCursor
        endCursor
      }
    }
  }
`;

const ORDERS: Array<[SortField, Direction]> = (['CREATED_AT', 'UPDATED_AT', 'FAMILY_NAME', 'EMAIL_ADDRESS'] as const).flatMap((field) =>
  (['ASC', 'DESC'] as const).map((direction): [SortField, Direction] => [field, direction]),
);

/** The sort value the contract orders by: family name and e-mail case-insensitively, no e-mail as "". */
function sortValue(node: Node, field: SortField): string {
  switch (field) {
    case 'CREATED_AT':
      return node.createdAt;
    case 'UPDATED_AT':
      return node.updatedAt;
    case 'FAMILY_NAME':
      return node.familyName.toLowerCase();
    case 'EMAIL_ADDRESS':
      return (node.emailAddress ?? '').toLowerCase();
  }
}

/** The total order the connection must follow: the sort value, then the id, both in the given direction. */
function expectedOrder(nodes: Node[], field: SortField, direction: Direction): string[] {
  const sign = direction === 'ASC' ? 1 : -1;
  const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...nodes]
    .sort((a, b) => sign * (compare(sortValue(a, field), sortValue(b, field)) || compare(a.id, b.id)))
    .map((node) => node.id);
}

function pageOf(response: GraphQLResponse<{ customers: Page }>): Page {
  const page = dataOf(response).customers;
  expect(page.nodes.map((node) => node.id)).toEqual(page.edges.map((edge) => edge.node.id));
  expect(page.pageInfo.startCursor).toBe(page.edges[0]?.cursor ?? null);
  expect(page.pageInfo.endCursor).toBe(page.edges[page.edges.length - 1]?.cursor ?? null);
  return page;
}

const FAMILY_NAMES = ['Smith', 'smith', 'SMITH', 'Müller', 'Lee', 'Ørsted', '李', "O'Neil"];

describeDb('Query.customers pagination', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer();
  });

  afterAll(async () => {
    await t?.close();
  });

  async function page(variables: Record<string, unknown>): Promise<Page> {
    return pageOf(await t.graphql<{ customers: Page }>(PAGE, variables));
  }

  /**
   * Seeds 140 customers whose given names start with `token`, full of ties: 8 family
   * names differing at most in case, many equal or missing e-mail addresses, 35 rows
   * with the very same creation and change time, and bursts created in one
   * millisecond. Some are updated (new updatedAt) and 3 are soft-deleted, which
   * must not appear. Returns the ids that must appear.
   */
  async function seedTies(token: string): Promise<string[]> {
    const email = (i: number): string | null => {
      if (i % 4 === 0) return null;
      if (i % 4 === 1) return i % 8 === 1 ? 'Same@Example.com' : 'same@example.com';
      if (i % 4 === 2) return `${letters(i % 5)}@example.com`;
      return `${token}.${letters(i)}@example.com`;
    };
    const seeded = await seedCustomers(
      t,
      Array.from({ length: 105 }, (_, i) => ({
        externalId: `${token}-${i}`,
        givenName: `${token}${letters(i)}`,
        familyName: FAMILY_NAMES[i % FAMILY_NAMES.length],
        emailAddress: email(i),
      })),
    );
    const sameInstant = '2020-06-01 12:00:00.000';
    for (let i = 0; i < 35; i += 1) {
      const family = FAMILY_NAMES[(i * 3) % FAMILY_NAMES.length];
      const address = email(i + 105);
      await t.sql(
        `INSERT INTO customers (id, brand, external_id, given_name, family_name, name_key, family_name_key, email_address, email_key,
           phone_number, language_code, metadata, created_at, updated_at, deleted_at, version)
         VALUES (?, 'default', ?, ?, ?, ?, ?, ?, ?, NULL, NULL, '{}', ?, ?, NULL, 1)`,
        [
          `cus_${ulid(Date.UTC(2020, 5, 1) + i * 7919)}`,
          `${token}-raw-${i}`,
          `${token}raw`,
          family,
          `${token}raw ${family}`.toLowerCase(),
          family.toLowerCase(),
          address,
          (address ?? '').toLowerCase(),
          sameInstant,
          sameInstant,
        ],
      );
    }
    for (const customer of seeded.filter((_, i) => i % 9 === 4)) {
      expect((await updateCustomer(t, { id: customer.id, metadata: { touched: true } })).userErrors).toEqual([]);
    }
    const deleted = [seeded[3].id, seeded[50].id, seeded[104].id];
    for (const id of deleted) expect((await deleteCustomer(t, id)).userErrors).toEqual([]);
    const rows = await t.sql<{ id: string }>('SELECT id FROM customers WHERE external_id LIKE ? AND deleted_at IS NULL', [`${token}-%`]);
    expect(rows).toHaveLength(137);
    return rows.map((row) => row.id);
  }

  async function walkForward(variables: Record<string, unknown>, size: number): Promise<Node[]> {
    const seen: Node[] = [];
    let after: string | null = null;
    for (let pages = 0; ; pages += 1) {
      expect(pages).toBeLessThan(1000);
      const current = await page({ ...variables, first: size, after });
      expect(current.pageInfo.hasPreviousPage).toBe(after !== null);
      seen.push(...current.edges.map((edge) => edge.node));
      if (!current.pageInfo.hasNextPage) break;
      expect(current.edges).toHaveLength(size);
      after = current.pageInfo.endCursor;
    }
    return seen;
  }

  async function walkBackward(variables: Record<string, unknown>, size: number): Promise<Node[]> {
    let seen: Node[] = [];
    let before: string | null = null;
    for (let pages = 0; ; pages += 1) {
      expect(pages).toBeLessThan(1000);
      const current = await page({ ...variables, last: size, before });
      expect(current.pageInfo.hasNextPage).toBe(before !== null);
      seen = [...current.edges.map((edge) => edge.node), ...seen];
      if (!current.pageInfo.hasPreviousPage) break;
      expect(current.edges).toHaveLength(size);
      before = current.pageInfo.startCursor;
    }
    return seen;
  }

  describe.each(ORDERS)('ordered by %s %s', (field, direction) => {
    const orderBy = { field, direction };

    it('pages forward with first/after, seeing every row exactly once in the total order', async () => {
      const token = uniqueLetters();
      const ids = await seedTies(token);
      const seen = await walkForward({ filter: { name: token }, orderBy }, 8);
      const seenIds = seen.map((node) => node.id);
      expect(new Set(seenIds).size).toBe(seenIds.length);
      expect([...seenIds].sort()).toEqual([...ids].sort());
      expect(seenIds).toEqual(expectedOrder(seen, field, direction));
    });

    it('pages backward with last/before, edges in the same order as paging forward', async () => {
      const token = uniqueLetters();
      const ids = await seedTies(token);
      const seen = await walkBackward({ filter: { name: token }, orderBy }, 8);
      const seenIds = seen.map((node) => node.id);
      expect(new Set(seenIds).size).toBe(seenIds.length);
      expect([...seenIds].sort()).toEqual([...ids].sort());
      expect(seenIds).toEqual(expectedOrder(seen, field, direction));
      const forward = (await walkForward({ filter: { name: token }, orderBy }, 11)).map((node) => node.id);
      expect(seenIds).toEqual(forward);
    });
  });

  it('pages backward from a cursor in the middle to the rows just before it', async () => {
    const token = uniqueLetters();
    await seedCustomers(
      t,
      Array.from({ length: 10 }, (_, i) => ({ externalId: `${token}-${i}`, givenName: token, familyName: `F${letters(i)}` })),
    );
    const variables = { filter: { name: token }, orderBy: { field: 'FAMILY_NAME', direction: 'ASC' } };
    const all = await page({ ...variables, first: 10 });
    const middle = await page({ ...variables, last: 3, before: all.edges[6].cursor });
    expect(middle.nodes.map((node) => node.id)).toEqual(all.nodes.slice(3, 6).map((node) => node.id));
    expect(middle.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true });
    const after = await page({ ...variables, first: 2, after: all.edges[6].cursor });
    expect(after.nodes.map((node) => node.id)).toEqual(all.nodes.slice(7, 9).map((node) => node.id));
    expect(after.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true });
  });

  it('never skips or repeats a row while rows are inserted between pages', async () => {
    const token = uniqueLetters();
    const original = await seedCustomers(
      t,
      Array.from({ length: 30 }, (_, i) => ({ externalId: `${token}-${i}`, givenName: token, familyName: FAMILY_NAMES[i % 4] })),
    );
    const variables = { filter: { name: token }, orderBy: { field: 'FAMILY_NAME', direction: 'ASC' } };
    const seen: string[] = [];
    let after: string | null = null;
    for (let round = 0; ; round += 1) {
      expect(round).toBeLessThan(100);
      const current = await page({ ...variables, first: 4, after });
      seen.push(...current.nodes.map((node) => node.id));
      // New rows land before, at and after the cursor position.
      await seedCustomers(
        t,
        ['Aaron', 'Smith', 'Zz'].map((family, i) => ({ externalId: `${token}-new-${round}-${i}`, givenName: token, familyName: family })),
      );
      if (!current.pageInfo.hasNextPage) break;
      after = current.pageInfo.endCursor;
    }
    expect(new Set(seen).size).toBe(seen.length);
    for (const customer of original) expect(seen).toContain(customer.id);
  });

  it('reads 50 customers when neither first nor last is given', async () => {
    const token = uniqueLetters();
    await seedCustomers(
      t,
      Array.from({ length: 55 }, (_, i) => ({ externalId: `${token}-${i}`, givenName: token })),
    );
    const current = await page({ filter: { name: token } });
    expect(current.edges).toHaveLength(50);
    expect(current.pageInfo.hasNextPage).toBe(true);
  });

  it('answers an empty connection when nothing matches', async () => {
    const current = await page({ filter: { name: uniqueLetters() }, first: 5 });
    expect(current).toEqual({
      edges: [],
      nodes: [],
      pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
    });
  });

  it('treats first: 5000 as 1000 when more rows exist', async () => {
    const token = uniqueLetters();
    await seedCustomers(
      t,
      Array.from({ length: 1003 }, (_, i) => ({ externalId: `${token}-${i}`, givenName: `${token}${letters(i)}` })),
    );
    const first = await page({ filter: { name: token }, first: 5000 });
    expect(first.edges).toHaveLength(1000);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const rest = await page({ filter: { name: token }, first: 5000, after: first.pageInfo.endCursor });
    expect(rest.edges).toHaveLength(3);
    expect(rest.pageInfo.hasNextPage).toBe(false);
    const last = await page({ filter: { name: token }, last: 1001 });
    expect(last.edges).toHaveLength(1000);
    expect(last.pageInfo.hasPreviousPage).toBe(true);
  });

  describe('argument errors', () => {
    it.each([
      ['first: 0', { first: 0 }],
      ['first: -1', { first: -1 }],
      ['last: 0', { last: 0 }],
      ['first and last together', { first: 5, last: 5 }],
    ])('refuses %s with BAD_USER_INPUT', async (_label, variables) => {
      const response = await t.graphql(PAGE, variables);
      expect(onlyErrorOf(response).code).toBe('BAD_USER_INPUT');
      expect(response.data ?? null).toBeNull();
    });

    it.each([
      ['garbage', 'not-a-cursor'],
      ['empty', ''],
      ['edited', 'eyJhIjoxfQAAAAAAAAAAAAAAAAAA'],
    ])('refuses a malformed (%s) cursor with BAD_USER_INPUT', async (_label, cursor) => {
      for (const variables of [
        { first: 2, after: cursor },
        { last: 2, before: cursor },
      ]) {
        const error = onlyErrorOf(await t.graphql(PAGE, variables));
        expect(error.code).toBe('BAD_USER_INPUT');
        expect(error.message).toMatch(/malformed/);
      }
    });

    it('refuses a cursor reused with another filter, saying so', async () => {
      const token = uniqueLetters();
      await seedCustomers(
        t,
        Array.from({ length: 3 }, (_, i) => ({ externalId: `${token}-${i}`, givenName: token })),
      );
      const cursor = (await page({ filter: { name: token }, first: 1 })).pageInfo.endCursor!;
      for (const variables of [
        { filter: { name: `${token}x` }, first: 1, after: cursor },
        { filter: { name: token, includeDeleted: true }, first: 1, after: cursor },
        { first: 1, after: cursor },
        { filter: { name: token, languageCode: 'en' }, last: 1, before: cursor },
      ]) {
        const error = onlyErrorOf(await t.graphql(PAGE, variables));
        expect(error.code).toBe('BAD_USER_INPUT');
        expect(error.message).toMatch(/different filter or orderBy/);
      }
      // The same filter, spelt the same or differently normalised, still fits.
      expect((await page({ filter: { name: token }, first: 1, after: cursor })).edges).toHaveLength(1);
      expect((await page({ filter: { name: ` ${token.toUpperCase()} ` }, first: 1, after: cursor })).edges).toHaveLength(1);
    });

    it('accepts a cursor with the same ids filter listed in another order', async () => {
      const token = uniqueLetters();
      const ids = (
        await seedCustomers(
          t,
          Array.from({ length: 4 }, (_, i) => ({ externalId: `${token}-${i}`, givenName: token })),
        )
      ).map((customer) => customer.id);
      const first = await page({ filter: { ids }, first: 2 });
      const rest = await page({ filter: { ids: [...ids].reverse() }, first: 2, after: first.pageInfo.endCursor });
      expect([...first.nodes, ...rest.nodes].map((node) => node.id)).toEqual(ids);
    });

    it('refuses a cursor reused with another orderBy, saying so', async () => {
      const token = uniqueLetters();
      await seedCustomers(
        t,
        Array.from({ length: 3 }, (_, i) => ({ externalId: `${token}-${i}`, givenName: token })),
      );
      const filter = { name: token };
      const cursor = (await page({ filter, first: 1, orderBy: { field: 'FAMILY_NAME', direction: 'ASC' } })).pageInfo.endCursor!;
      for (const orderBy of [{ field: 'FAMILY_NAME', direction: 'DESC' }, { field: 'EMAIL_ADDRESS', direction: 'ASC' }, null]) {
        const error = onlyErrorOf(await t.graphql(PAGE, { filter, orderBy, first: 1, after: cursor }));
        expect(error.code).toBe('BAD_USER_INPUT');
        expect(error.message).toMatch(/different filter or orderBy/);
      }
    });
  });

  describe('totalCount', () => {
    const WITH_COUNT = 'query($filter: CustomerFilter) { customers(filter: $filter, first: 2) { totalCount nodes { id } } }';
    const WITHOUT_COUNT = 'query($filter: CustomerFilter) { customers(filter: $filter, first: 2) { nodes { id } } }';
    const isCount = (sql: string) => /COUNT\s*\(/i.test(sql);

    it('counts every match of the filter, beyond the page', async () => {
      const token = uniqueLetters();
      const seeded = await seedCustomers(
        t,
        Array.from({ length: 7 }, (_, i) => ({ externalId: `${token}-${i}`, givenName: token })),
      );
      await deleteCustomer(t, seeded[0].id);
      const response = await gql<{ customers: { totalCount: number; nodes: unknown[] } }>(t, WITH_COUNT, { filter: { name: token } });
      expect(response.customers.totalCount).toBe(6);
      expect(response.customers.nodes).toHaveLength(2);
      const withDeleted = await gql<{ customers: { totalCount: number } }>(t, WITH_COUNT, {
        filter: { name: token, includeDeleted: true },
      });
      expect(withDeleted.customers.totalCount).toBe(7);
    });

    it('issues a COUNT statement only when totalCount is selected', async () => {
      const token = uniqueLetters();
      await seedCustomers(
        t,
        Array.from({ length: 3 }, (_, i) => ({ externalId: `${token}-${i}`, givenName: token })),
      );
      const variables = { filter: { name: token } };

      const without = await t.countStatements(() => t.graphql(WITHOUT_COUNT, variables));
      expect(without.result.errors).toBeUndefined();
      expect(without.statements.filter(isCount)).toEqual([]);
      expect(without.count).toBe(1);

      const withCount = await t.countStatements(() => t.graphql(WITH_COUNT, variables));
      expect(withCount.result.errors).toBeUndefined();
      expect(withCount.statements.filter(isCount)).toHaveLength(1);
      expect(withCount.count).toBe(2);
    });
  });
});

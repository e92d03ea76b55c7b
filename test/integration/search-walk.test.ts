import { onlyErrorOf, gql, seedCustomers, uniqueLetters } from '../helpers/customer-api';
import { ORDERS, SEARCH, SearchPage } from '../helpers/search-api';
import { describeDb, dialect, startTestServer, TestServer } from '../helpers/test-server';

/*
 * A search of words that are each too common to drive the page walks the order's index in bounded
 * windows. At the real sizes (a word is common from 5,000 or 50,000 terms on, the windows hold
 * 55,500 customers) that takes a brand of a hundred thousand customers; here every word that
 * matches anything counts as common and the windows hold 4, 16 and 64 customers, so a hundred
 * customers show every edge.
 */
jest.mock('../../src/data/repositories/customer-search', () => {
  const actual = jest.requireActual<typeof import('../../src/data/repositories/customer-search')>(
    '../../src/data/repositories/customer-search',
  );
  return { ...actual, SEARCH_WALK_WINDOWS: [4, 16, 64], SEARCH_WALK_BUDGET: 84, drivesBelow: () => 1 };
});

jest.setTimeout(120_000);

const COUNT = /* GraphQL */ `
  query Count($filter: CustomerFilter) {
    customers(first: 1, filter: $filter) {
      totalCount
    }
  }
`;

const CUSTOMERS = 150;

/**
 * The statements that count the terms of several words that are all common: one on SQLite; on
 * MySQL/MariaDB the index's estimates, the likeliest rarest word counted, then the others (see rarestWord).
 */
const WORD_COUNTING = dialect === 'mysql' ? 3 : 1;

/** 0 → "aa", 27 → "bb": two letters, in the order of the numbers. */
function twoLetters(n: number): string {
  return String.fromCharCode(97 + Math.floor(n / 26), 97 + (n % 26));
}

describeDb('search of only common words, walked in windows', () => {
  let t: TestServer;
  let tag: string;
  /** Customer ids in creation order. */
  let ids: string[];
  /** Every tenth customer: the ones matching "alpha beta". */
  let tenth: string[];

  beforeAll(async () => {
    t = await startTestServer();
    tag = uniqueLetters();
    const customers = await seedCustomers(
      t,
      Array.from({ length: CUSTOMERS }, (_, index) => ({
        // Upserts write in external-id order: padded, that is the creation order.
        externalId: `walk-${String(index).padStart(3, '0')}`,
        givenName: index % 10 === 0 ? `Alpha${tag} Beta${tag}` : `Alpha${tag}`,
        // A permutation that spreads the tenth customers over the name and e-mail orders too, one in ten.
        familyName: index === CUSTOMERS - 1 ? `Delta${tag}` : `Fam${twoLetters((index * 7) % CUSTOMERS)}`,
        emailAddress: `w${String((index * 37) % CUSTOMERS).padStart(3, '0')}.${tag}@example.com`,
        languageCode: index % 10 === 0 ? 'de' : 'en',
      })),
    );
    ids = customers.map((customer) => customer.id);
    tenth = ids.filter((_, index) => index % 10 === 0);
  });

  afterAll(async () => {
    await t?.close();
  });

  async function walk(
    filter: Record<string, unknown>,
    orderBy: Record<string, string>,
    direction: 'forward' | 'backward',
  ): Promise<string[][]> {
    const pages: string[][] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 100; page += 1) {
      const variables: Record<string, unknown> =
        direction === 'forward' ? { first: 4, after: cursor, filter, orderBy } : { last: 4, before: cursor, filter, orderBy };
      const { customers }: SearchPage = await gql<SearchPage>(t, SEARCH, variables);
      const pageIds = customers.nodes.map((node) => node.id);
      if (direction === 'forward') pages.push(pageIds);
      else pages.unshift(pageIds);
      const more = direction === 'forward' ? customers.pageInfo.hasNextPage : customers.pageInfo.hasPreviousPage;
      if (!more) return pages;
      cursor = direction === 'forward' ? customers.pageInfo.endCursor : customers.pageInfo.startCursor;
    }
    throw new Error('paging did not end');
  }

  it.each(ORDERS)('pages forward and backward across the windows in $field $direction, each match once and in order', async (orderBy) => {
    const filter = { search: `alpha${tag} beta${tag}` };
    const forward = await walk(filter, orderBy, 'forward');
    const backward = await walk(filter, orderBy, 'backward');
    expect(new Set(forward.flat())).toEqual(new Set(tenth));
    expect(forward.flat()).toHaveLength(tenth.length);
    expect(backward.flat()).toEqual(forward.flat());
    // One match in ten customers: every page of four fills within the windows' 84 customers.
    expect(forward.slice(0, -1).every((page) => page.length === 4)).toBe(true);
  });

  it('answers with the matches found when the windows run out before the page is full, and goes on from them', async () => {
    const filter = { search: `alpha${tag} delta${tag}` };
    // The newest customer is the only match: found in the first window from the newest end, then 84 more without one.
    const { customers } = await gql<SearchPage>(t, SEARCH, { first: 4, filter, orderBy: { field: 'CREATED_AT', direction: 'DESC' } });
    expect(customers.nodes.map((node) => node.id)).toEqual([ids[CUSTOMERS - 1]]);
    expect(customers.pageInfo.hasNextPage).toBe(true);
  });

  it('refuses a page none of the windows matches as too broad, after a bounded number of statements', async () => {
    const filter = { search: `alpha${tag} delta${tag}` };
    const oldestFirst = await t.countStatements(() =>
      t.graphql(SEARCH, { first: 4, filter, orderBy: { field: 'CREATED_AT', direction: 'ASC' } }),
    );
    expect(onlyErrorOf(oldestFirst.result)).toMatchObject({
      code: 'BAD_USER_INPUT',
      message: expect.stringMatching(/^`filter.search` is too broad to page: .* none of the next 84 customers in this order matches/),
    });
    // The words' counts, then the edge of each of the three windows and the page's rows in it.
    expect(oldestFirst.count).toBe(WORD_COUNTING + 6);
  });

  it('counts a window in customers matching the other filters, so a filter that picks out the matches fills the page in the first window', async () => {
    const german = await t.countStatements(() =>
      gql<SearchPage>(t, SEARCH, { first: 3, filter: { search: `alpha${tag} beta${tag}`, languageCode: 'de' } }),
    );
    expect(german.result.customers.nodes.map((node) => node.id)).toEqual(tenth.slice(0, 3));
    expect(german.result.customers.pageInfo.hasNextPage).toBe(true);
    // The words' counts, the first window's edge, and the page with the row after it, all in that window.
    expect(german.count).toBe(WORD_COUNTING + 2);
  });

  it('counts the matches of one common word, and refuses to count several common words', async () => {
    const one = await gql<SearchPage>(t, COUNT, { filter: { search: `alpha${tag}` } });
    expect(one.customers.totalCount).toBe(CUSTOMERS);
    const several = await t.graphql(COUNT, { filter: { search: `alpha${tag} beta${tag}` } });
    expect(onlyErrorOf(several)).toMatchObject({
      code: 'BAD_USER_INPUT',
      message: expect.stringMatching(/^`totalCount` is not available for this search/),
    });
  });
});

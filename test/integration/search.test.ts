import { QueryRunner } from 'typeorm';
import { SearchAndMerge1765600000000 } from '../../src/data/migrations/1765600000000-search-and-merge';
import { SearchTermOrderKeys1765800000000 } from '../../src/data/migrations/1765800000000-search-term-order-keys';
import { SearchTermsWithoutPrefixes1765900000000 } from '../../src/data/migrations/1765900000000-search-terms-without-prefixes';
import { WORD_DRIVES_BELOW } from '../../src/data/repositories/customer-search';
import {
  createValidCustomer,
  CustomerView,
  dataOf,
  deleteCustomer,
  onlyErrorOf,
  seedCustomers,
  uniqueLetters,
  updateCustomer,
  upsertCustomer,
  upsertCustomers,
  gql,
} from '../helpers/customer-api';
import { addChannel, addFlag, removeChannel } from '../helpers/nested-api';
import { tableAccesses } from '../helpers/query-plan';
import { ORDERS, SEARCH, SearchPage } from '../helpers/search-api';
import { describeDb, dialect, startTestServer, TestServer } from '../helpers/test-server';
import { bearer, hs256Token, TEST_JWT_SECRET } from '../helpers/tokens';

jest.setTimeout(120_000);

async function searchIds(t: TestServer, search: string, filter: Record<string, unknown> = {}): Promise<string[]> {
  const data = await gql<SearchPage>(t, SEARCH, { first: 1000, filter: { ...filter, search } });
  return data.customers.nodes.map((node) => node.id);
}

/** Whether a search finds the customer (other customers may match too). */
async function finds(t: TestServer, search: string, id: string, filter: Record<string, unknown> = {}): Promise<boolean> {
  return (await searchIds(t, search, filter)).includes(id);
}

describeDb('CustomerFilter.search', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer();
  });

  afterAll(async () => {
    await t?.close();
  });

  describe('matching rules', () => {
    let tag: string;
    let customer: CustomerView;

    beforeAll(async () => {
      tag = uniqueLetters();
      customer = await createValidCustomer(t, {
        givenName: `Anne-Marie${tag}`,
        familyName: `Müller${tag}`,
        emailAddress: `J.Smith+${tag}@Gmail-Mail.com`,
        phoneNumber: '+49 30 726219941',
        externalId: `CRM-${tag}-77`,
        channels: [
          { type: 'FACEBOOK', value: `fb.handle${tag}` },
          { type: 'EMAIL', value: `other_${tag}@work.example` },
          { type: 'WHATSAPP', value: '+44 20 7946 0958' },
        ],
      });
    });

    it.each([
      ['the start of the given name', () => `anne-marie${tag.slice(0, 3)}`, true],
      ['a later word of the given name', () => `marie${tag}`, true],
      ['the middle of a word of the given name', () => `nne-marie${tag}`, false],
      ['the family name without its accent', () => `muller${tag}`, true],
      ['the family name in capitals with its accent', () => `MÜLLER${tag.toUpperCase()}`, true],
      ['the family name spelt with another letter', () => `mxller${tag}`, false],
      ['the middle of the family name', () => `ller${tag}`, false],
      ['the local part of the e-mail address', () => `j.smith+${tag}`, true],
      ['a word of the e-mail address after "."', () => `smith+${tag}`, true],
      ['a word of the e-mail address after "+"', () => `${tag}@gmail`, true],
      ['a word of the e-mail address after "-"', () => `mail.com ${tag}`, true],
      ['the whole e-mail address, in another case', () => `J.SMITH+${tag.toUpperCase()}@GMAIL-MAIL.COM`, true],
      ['the e-mail address with a wrong domain', () => `j.smith+${tag}@yahoo`, false],
      ['the start of the external id', () => `crm-${tag}`, true],
      ['a later word of the external id', () => `${tag}-77`, true],
      ['an external id word that is not there', () => `${tag}-78`, false],
      ['a word of a FACEBOOK channel value', () => `handle${tag}`, true],
      ['an EMAIL channel value', () => `other_${tag}`, true],
      ['the middle of a channel word', () => `andle${tag}`, false],
    ])('%s', async (_, search, expected) => {
      expect(await finds(t, search(), customer.id)).toBe(expected);
    });

    it.each([
      ['4 digits from the middle of the phone number', '7262', true],
      ['the whole number as E.164', '+4930726219941', true],
      ['the number with its punctuation', '(0)30-7262', false],
      ['digits that are not in the number', '72629', false],
      ['digits of the WhatsApp channel', '79460958', true],
    ])('%s (%s)', async (_, digits, expected) => {
      expect(await finds(t, `${digits} ${tag}`, customer.id)).toBe(expected);
    });

    it('takes a word of three digits as text, never as part of the phone number', async () => {
      const id = (await createValidCustomer(t, { givenName: `Short${tag}`, familyName: 'Digits', phoneNumber: '+4930726219941' })).id;
      expect(await finds(t, `short${tag} 726`, id)).toBe(false);
      expect(await finds(t, `short${tag} 7262`, id)).toBe(true);
    });

    it('needs every word to match, in any order', async () => {
      expect(await finds(t, `gmail muller${tag} anne`, customer.id)).toBe(true);
      expect(await finds(t, `muller${tag} hotmail`, customer.id)).toBe(false);
    });

    it('drops punctuation around words ("Müller," finds Müller)', async () => {
      expect(await finds(t, `Müller${tag}, @gmail`, customer.id)).toBe(true);
    });

    it('folds letters that have no accent to drop (ß, ø, æ, ł)', async () => {
      const other = uniqueLetters();
      const id = (await createValidCustomer(t, { givenName: `Łukasz${other}`, familyName: `Straße Søren Æsir` })).id;
      expect(await finds(t, `lukasz${other} strasse soren aesir`, id)).toBe(true);
      expect(await finds(t, `LUKASZ${other} STRAẞE`, id)).toBe(true);
    });

    it('combines with the other filters', async () => {
      expect(await finds(t, `muller${tag}`, customer.id, { externalId: `CRM-${tag}-77` })).toBe(true);
      expect(await finds(t, `muller${tag}`, customer.id, { externalId: 'another' })).toBe(false);
      expect(await finds(t, `muller${tag}`, customer.id, { ids: [customer.id] })).toBe(true);
    });

    it('treats a blank search as no condition', async () => {
      expect(await searchIds(t, '   ', { ids: [customer.id] })).toEqual([customer.id]);
    });
  });

  describe('consistent with writes (the next request sees the change)', () => {
    it('finds a customer right after createCustomer', async () => {
      const tag = uniqueLetters();
      const { id } = await createValidCustomer(t, { givenName: 'Fresh', familyName: `Made${tag}` });
      expect(await searchIds(t, `made${tag}`)).toEqual([id]);
    });

    it('follows updateCustomer: the old name no longer matches, the new one does', async () => {
      const tag = uniqueLetters();
      const { id } = await createValidCustomer(t, { givenName: 'Before', familyName: `Old${tag}`, emailAddress: `old${tag}@example.com` });
      expect((await updateCustomer(t, { id, familyName: `New${tag}`, emailAddress: null })).userErrors).toEqual([]);
      expect(await searchIds(t, `old${tag}`)).toEqual([]);
      expect(await searchIds(t, `new${tag}`)).toEqual([id]);
    });

    it('leaves the terms alone when a write changes no searchable field, and still finds the customer', async () => {
      const tag = uniqueLetters();
      const { id } = await createValidCustomer(t, { givenName: 'Quiet', familyName: `Same${tag}`, externalId: `quiet-${tag}` });
      const touchesTerms = (statements: string[]) => statements.filter((sql) => sql.includes('customer_search_terms'));
      const update = await t.countStatements(() => updateCustomer(t, { id, metadata: { tier: 'gold' } }));
      expect(update.result.userErrors).toEqual([]);
      expect(touchesTerms(update.statements)).toEqual([]);
      const upsert = await t.countStatements(() => upsertCustomers(t, [{ externalId: `quiet-${tag}`, metadata: { tier: 'silver' } }]));
      expect(upsert.result.results[0]!.customer?.version).toBe(3);
      expect(touchesTerms(upsert.statements)).toEqual([]);
      expect(await searchIds(t, `same${tag} quiet`)).toEqual([id]);
      const renamed = await t.countStatements(() => updateCustomer(t, { id, givenName: 'Loud' }));
      expect(touchesTerms(renamed.statements).length).toBeGreaterThan(0);
      expect(await searchIds(t, `same${tag} loud`)).toEqual([id]);
    });

    it('follows upsertCustomer and upsertCustomers', async () => {
      const tag = uniqueLetters();
      const created = await upsertCustomer(t, { externalId: `u-${tag}`, givenName: 'Up', familyName: `First${tag}` });
      expect(await searchIds(t, `first${tag}`)).toEqual([created.customer!.id]);
      await upsertCustomer(t, { externalId: `u-${tag}`, familyName: `Second${tag}` });
      expect(await searchIds(t, `first${tag}`)).toEqual([]);
      expect(await searchIds(t, `second${tag}`)).toEqual([created.customer!.id]);
      const bulk = await upsertCustomers(t, [
        { externalId: `u-${tag}`, familyName: `Third${tag}` },
        { externalId: `v-${tag}`, givenName: 'Bulk', familyName: `Third${tag}` },
      ]);
      expect(bulk.results.flatMap((result) => result.userErrors)).toEqual([]);
      expect((await searchIds(t, `third${tag}`)).sort()).toEqual(bulk.results.map((result) => result.customer!.id).sort());
      expect(await searchIds(t, `second${tag}`)).toEqual([]);
    });

    it('follows channel adds and removals', async () => {
      const tag = uniqueLetters();
      const { id } = await createValidCustomer(t, { givenName: 'Chan', familyName: 'Nel' });
      const added = await addChannel(t, id, { type: 'TWITTER', value: `@tw${tag}` });
      expect(await searchIds(t, `tw${tag}`)).toEqual([id]);
      expect((await removeChannel(t, id, added.channel!.id)).userErrors).toEqual([]);
      expect(await searchIds(t, `tw${tag}`)).toEqual([]);
    });

    it('keeps a deleted customer out by its channels too, and finds it again once an upsert brings it back', async () => {
      const tag = uniqueLetters();
      const { id } = await createValidCustomer(t, {
        givenName: 'Twice',
        familyName: `Back${tag}`,
        externalId: `back-${tag}`,
        channels: [{ type: 'OTHER', value: `kanal${tag}` }],
      });
      await deleteCustomer(t, id);
      expect(await searchIds(t, `kanal${tag}`)).toEqual([]);
      expect(await searchIds(t, `kanal${tag}`, { includeDeleted: true })).toEqual([id]);
      // No searchable field changes: only the deletion time of the terms does.
      expect((await upsertCustomer(t, { externalId: `back-${tag}`, givenName: 'Twice' })).userErrors).toEqual([]);
      expect(await searchIds(t, `kanal${tag}`)).toEqual([id]);
      expect(await searchIds(t, `back${tag} twice`)).toEqual([id]);
    });

    it("gives every term its customer's creation and deletion time, whichever write made or moved it", async () => {
      const tag = uniqueLetters();
      const channel = (value: string) => [{ type: 'OTHER', value: `${value}${tag}` }];
      const revived = await createValidCustomer(t, {
        givenName: 'Re',
        familyName: 'Vived',
        externalId: `rev-${tag}`,
        channels: channel('r'),
      });
      const deleted = await createValidCustomer(t, { givenName: 'De', familyName: 'Leted', channels: channel('d') });
      const survivor = await createValidCustomer(t, { givenName: 'Sur', familyName: 'Vivor' });
      const merged = await createValidCustomer(t, { givenName: 'Mer', familyName: 'Ged', channels: channel('m') });
      const renamed = await createValidCustomer(t, { givenName: 'Re', familyName: 'Named' });
      await deleteCustomer(t, revived.id);
      await deleteCustomer(t, deleted.id);
      expect((await upsertCustomer(t, { externalId: `rev-${tag}`, familyName: 'Vived' })).userErrors).toEqual([]);
      await addChannel(t, renamed.id, { type: 'OTHER', value: `n${tag}` });
      expect((await updateCustomer(t, { id: renamed.id, familyName: `Renamed${tag}` })).userErrors).toEqual([]);
      await deleteCustomer(t, renamed.id);
      const merge = await gql<{ mergeCustomers: { userErrors: unknown[] } }>(
        t,
        'mutation ($input: MergeCustomersInput!) { mergeCustomers(input: $input) { userErrors { code } } }',
        { input: { survivorId: survivor.id, mergedId: merged.id } },
      );
      expect(merge.mergeCustomers.userErrors).toEqual([]);
      const bulk = await upsertCustomers(t, [
        { externalId: `bulk-${tag}`, givenName: 'Bulk', familyName: 'One' },
        { externalId: `bulk-${tag}`, familyName: 'Two' },
      ]);
      expect(bulk.results.flatMap((result) => result.userErrors)).toEqual([]);
      const ids = [revived.id, deleted.id, survivor.id, merged.id, renamed.id, bulk.results[0]!.customer!.id];
      const marks = ids.map(() => '?').join(', ');
      const terms = await t.sql<{ customer_id: string; same: number; deleted: number }>(
        `SELECT t.customer_id,
                CASE WHEN c.id IS NOT NULL AND t.created_at = c.created_at
                      AND ((t.deleted_at IS NULL AND c.deleted_at IS NULL) OR t.deleted_at = c.deleted_at) THEN 1 ELSE 0 END AS same,
                CASE WHEN t.deleted_at IS NULL THEN 0 ELSE 1 END AS deleted
           FROM customer_search_terms t LEFT JOIN customers c ON c.id = t.customer_id
          WHERE t.brand = 'default' AND t.customer_id IN (${marks})`,
        ids,
      );
      expect(terms.filter((term) => Number(term.same) !== 1)).toEqual([]);
      const deletedOf = (id: string) => new Set(terms.filter((term) => term.customer_id === id).map((term) => Number(term.deleted)));
      expect(deletedOf(deleted.id)).toEqual(new Set([1]));
      expect(deletedOf(renamed.id)).toEqual(new Set([1]));
      expect(deletedOf(revived.id)).toEqual(new Set([0]));
      expect(deletedOf(merged.id)).toEqual(new Set());
      expect(await searchIds(t, `m${tag}`)).toEqual([survivor.id]);
      expect(await searchIds(t, `renamed${tag}`, { includeDeleted: true })).toEqual([renamed.id]);
      expect(await searchIds(t, `n${tag}`)).toEqual([]);
    });

    it('leaves soft-deleted customers out unless includeDeleted, and purged ones out for good', async () => {
      const tag = uniqueLetters();
      const { id } = await createValidCustomer(t, { givenName: 'Gone', familyName: `Soon${tag}` });
      await deleteCustomer(t, id);
      expect(await searchIds(t, `soon${tag}`)).toEqual([]);
      expect(await searchIds(t, `soon${tag}`, { includeDeleted: true })).toEqual([id]);
      const purged = await gql<{ purgeCustomer: { deletedCustomerId: string } }>(
        t,
        'mutation ($id: ID!) { purgeCustomer(id: $id) { deletedCustomerId } }',
        { id },
      );
      expect(purged.purgeCustomer.deletedCustomerId).toBe(id);
      expect(await searchIds(t, `soon${tag}`, { includeDeleted: true })).toEqual([]);
      expect(await t.sql('SELECT term FROM customer_search_terms WHERE customer_id = ?', [id])).toEqual([]);
    });
  });

  describe('hostile searches', () => {
    it.each([
      ['%', '%'],
      ['_', '_'],
      ['backslash', '\\'],
      ['quotes', `'" \`; DROP TABLE customers; --`],
      ['LIKE patterns', '%a%_b\\%'],
      ['emoji', '😀 👩‍👩‍👧'],
      ['NUL and other control characters', 'a\u0000b\u0007c'],
      ['a lone surrogate', 'x\ud800y'],
      ['characters outside the BMP', '𠀀𝔘 𝓜'],
      ['ten words', 'a b c d e f g h i j'],
      ['a word longer than any term', 'x'.repeat(999)],
    ])('answers %s without an error', async (_, search) => {
      const response = await t.graphql<SearchPage>(SEARCH, { filter: { search } });
      expect(response.errors).toBeUndefined();
      expect(Array.isArray(response.data!.customers.nodes)).toBe(true);
    });

    it('finds stored values that hold LIKE wildcards literally', async () => {
      const tag = uniqueLetters();
      const { id } = await createValidCustomer(t, {
        givenName: 'Wild',
        familyName: 'Card',
        channels: [{ type: 'OTHER', value: `${tag}%_\\x` }],
      });
      expect(await searchIds(t, `${tag}%_\\`)).toEqual([id]);
      expect(await searchIds(t, `${tag}%x`)).toEqual([]);
    });

    it.each([
      ['10,000 characters', 'x'.repeat(10_000), /at most 1000 characters/],
      ['eleven words', 'a b c d e f g h i j k', /at most 10 words/],
    ])('refuses %s with BAD_USER_INPUT', async (_, search, message) => {
      const error = onlyErrorOf(await t.graphql(SEARCH, { filter: { search } }));
      expect(error.code).toBe('BAD_USER_INPUT');
      expect(error.message).toMatch(message);
    });
  });

  describe('paging over many matches', () => {
    let tag: string;
    let matching: string[];
    let german: Set<string>;

    beforeAll(async () => {
      tag = uniqueLetters();
      const inputs = Array.from({ length: 130 }, (_, index) => ({
        externalId: `page-${tag}-${index}`,
        givenName: `Pagé${tag}`,
        // Ties on the family name: the id breaks them.
        familyName: `Fam${String.fromCharCode(97 + (index % 7))}`,
        emailAddress: `p${index % 11}.${tag}@example.com`,
        languageCode: index % 3 === 0 ? 'de' : 'en',
      }));
      const customers = await seedCustomers(t, inputs);
      matching = customers.map((customer) => customer.id);
      german = new Set(customers.filter((_, index) => index % 3 === 0).map((customer) => customer.id));
      // Others that share one of the two words only.
      await seedCustomers(t, [
        { externalId: `page-${tag}-x`, givenName: `Page${tag}`, familyName: 'Other' },
        { externalId: `page-${tag}-y`, givenName: 'Nobody', familyName: 'Other', emailAddress: `q.${tag}@example.com` },
      ]);
    });

    async function walk(
      filter: Record<string, unknown>,
      orderBy: Record<string, string>,
      direction: 'forward' | 'backward',
    ): Promise<string[]> {
      const ids: string[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < 100; page += 1) {
        const variables: Record<string, unknown> =
          direction === 'forward' ? { first: 17, after: cursor, filter, orderBy } : { last: 17, before: cursor, filter, orderBy };
        const { customers }: SearchPage = await gql<SearchPage>(t, SEARCH, variables);
        const pageIds = customers.nodes.map((node) => node.id);
        if (direction === 'forward') ids.push(...pageIds);
        else ids.unshift(...pageIds);
        const more = direction === 'forward' ? customers.pageInfo.hasNextPage : customers.pageInfo.hasPreviousPage;
        if (!more) return ids;
        cursor = direction === 'forward' ? customers.pageInfo.endCursor : customers.pageInfo.startCursor;
      }
      throw new Error('paging did not end');
    }

    it.each(ORDERS)('pages forward and backward in $field $direction, each match once', async (orderBy) => {
      const filter = { search: `page${tag} ${tag}@example` };
      const forward = await walk(filter, orderBy, 'forward');
      expect(forward).toHaveLength(matching.length);
      expect(new Set(forward)).toEqual(new Set(matching));
      expect(await walk(filter, orderBy, 'backward')).toEqual(forward);
    });

    it('combines with a language filter and counts the matches', async () => {
      const filter = { search: `${tag}@example pagé${tag}`, languageCode: 'de' };
      const forward = await walk(filter, { field: 'FAMILY_NAME', direction: 'DESC' }, 'forward');
      expect(new Set(forward)).toEqual(german);
      expect(forward).toHaveLength(german.size);
      const data = await gql<{ customers: { totalCount: number } }>(
        t,
        'query ($filter: CustomerFilter) { customers(first: 1, filter: $filter) { totalCount } }',
        { filter },
      );
      expect(data.customers.totalCount).toBe(german.size);
    });

    it('combines with hasFlag', async () => {
      await addFlag(t, matching[5]!, 'vip');
      expect(await searchIds(t, `page${tag}`, { hasFlag: 'vip' })).toEqual([matching[5]]);
    });

    /** Stores `term` for these customer ids as it is (ids of no customer make a word common without changing what it finds). */
    async function insertTerms(term: string, customerIds: string[]): Promise<void> {
      for (let start = 0; start < customerIds.length; start += 1000) {
        const chunk = customerIds.slice(start, start + 1000).map((id) => ['default', id, '', term, '2026-01-01 00:00:00.000']);
        await t.sql(
          `INSERT INTO customer_search_terms (brand, customer_id, channel_id, term, created_at) VALUES ${chunk.map(() => '(?, ?, ?, ?, ?)').join(', ')}`,
          chunk.flat(),
        );
      }
    }

    it('pages the same when the word is too common to drive the page (the order index is walked), and lets the rarer of two common words drive', async () => {
      // Terms of ids that are no customers make the word common without changing what it finds.
      const common = `common${tag}`;
      const rows = [...Array.from({ length: WORD_DRIVES_BELOW }, (_, index) => `cus_ghost${String(index).padStart(6, '0')}`), ...matching];
      await insertTerms(common, rows);
      for (const orderBy of [ORDERS[0]!, ORDERS[5]!]) {
        const forward = await walk({ search: common }, orderBy, 'forward');
        expect(new Set(forward)).toEqual(new Set(matching));
        expect(forward).toHaveLength(matching.length);
        expect(await walk({ search: common }, orderBy, 'backward')).toEqual(forward);
      }
      // Two words as common, with three customers in common: the rarer drives, not a walk that reads until the statement times out.
      const alsoCommon = `also${tag}`;
      const alsoRows = [
        ...Array.from({ length: WORD_DRIVES_BELOW }, (_, index) => `cus_spook${String(index).padStart(6, '0')}`),
        ...matching.slice(0, 3),
      ];
      await insertTerms(alsoCommon, alsoRows);
      const both = await t.countStatements(() => searchIds(t, `${common} ${alsoCommon}`));
      expect(new Set(both.result)).toEqual(new Set(matching.slice(0, 3)));
      expect(both.statements.filter((sql) => /JOIN \(SELECT .* GROUP BY /.test(sql))).toHaveLength(1);
    });

    it("cuts a page in creation order from the term index, reads the other word's customers once, and reads only that page's customers", async () => {
      const statements: Array<{ sql: string; parameters: unknown[] }> = [];
      const stop = t.server.statementLog.subscribe((sql, parameters) => statements.push({ sql, parameters: [...parameters] }));
      try {
        // The rarer word drives; every customer of the other ("fam", on more customers) is read once, not checked per term.
        await gql<SearchPage>(t, SEARCH, { first: 5, filter: { search: `page${tag} fam` } });
      } finally {
        stop();
      }
      const page = statements.find(
        (statement) => /customer_search_terms/.test(statement.sql) && /FROM [`"]customers[`"]/.test(statement.sql),
      );
      expect(page).toBeDefined();
      const context = `${page!.sql}\n${JSON.stringify(page!.parameters)}`;
      if (dialect === 'mysql') {
        const analyzed = `ANALYZE FORMAT=JSON ${page!.sql}`;
        const [row] = await t.sql<Record<string, string>>(analyzed, page!.parameters);
        const plan = Object.values(row!)[0]!;
        const accesses = tableAccesses(JSON.parse(plan));
        const customers = accesses.find((access) => access.table_name === 'c');
        const terms = accesses.find((access) => access.table_name === 't');
        const otherWord = accesses.find((access) => access.table_name.startsWith('sc_word'));
        const termIndex = 'ix_customer_search_terms_brand_term_created_at';
        expect({
          context,
          customersBy: [customers?.access_type, customers?.key],
          customersRead: (customers?.r_rows ?? Infinity) * (customers?.r_loops ?? 1),
          termsBy: terms?.key,
          otherWordBy: otherWord?.key,
          otherWordReads: otherWord?.r_loops,
          // Each access is named, so the planner spends no time estimating the other indexes (14 of customers).
          considered: [customers?.possible_keys, terms?.possible_keys, otherWord?.possible_keys],
        }).toEqual({
          context,
          customersBy: ['eq_ref', 'PRIMARY'],
          customersRead: 6,
          termsBy: termIndex,
          otherWordBy: termIndex,
          otherWordReads: 1,
          considered: [['PRIMARY'], [termIndex], [termIndex]],
        });
      } else {
        const details = (await t.sql<{ detail: string }>(`EXPLAIN QUERY PLAN ${page!.sql}`, page!.parameters)).map((row) => row.detail);
        expect({
          context,
          terms: details.some((detail) =>
            /^SEARCH t USING COVERING INDEX ix_customer_search_terms_brand_term_created_at \(brand=\? AND term>/.test(detail),
          ),
          customersById: details.some((detail) => /^SEARCH c USING INDEX sqlite_autoindex_customers_1 \(id=\?\)/.test(detail)),
          otherWordOnce: details.some((detail) =>
            /^SEARCH sc_word\d USING COVERING INDEX ix_customer_search_terms_brand_term_created_at \(brand=\? AND term>/.test(detail),
          ),
          details,
        }).toEqual({ context, terms: true, customersById: true, otherWordOnce: true, details });
      }
    });

    it('costs the same number of statements for two words and for ten, and at most one more than for one word', async () => {
      const one = await t.countStatements(() => t.graphql(SEARCH, { first: 20, filter: { search: `page${tag}` } }));
      const two = await t.countStatements(() => t.graphql(SEARCH, { first: 20, filter: { search: `page${tag} fam` } }));
      const ten = await t.countStatements(() =>
        t.graphql(SEARCH, { first: 20, filter: { search: `page${tag} ${tag} p1 fam example com 7262 x y z` } }),
      );
      expect(one.count).toBeLessThanOrEqual(2);
      // Several words on MySQL/MariaDB: the index's estimates of their terms, then the likeliest rarest counted (see rarestWord).
      expect(two.count).toBe(one.count + (dialect === 'mysql' ? 1 : 0));
      expect(ten.count).toBe(two.count);
      if (dialect === 'mysql') expect(two.statements.filter((sql) => sql.startsWith('EXPLAIN '))).toHaveLength(1);
    });

    it('reads a word whole when it has few terms per term of the rarest word, and checks it per term when it has many', async () => {
      const solo = await createValidCustomer(t, { givenName: `Solo${tag}`, familyName: 'Famsolo' });
      // "fam" has a term on every one of the 130 customers: as many as "page…", but far more than "solo…".
      const listed = await t.countStatements(() => searchIds(t, `page${tag} fam`));
      const checked = await t.countStatements(() => searchIds(t, `solo${tag} fam`));
      expect(new Set(listed.result)).toEqual(new Set(matching));
      expect(checked.result).toEqual([solo.id]);
      const pageOf = (statements: string[]) => statements.find((sql) => /FROM [`"]customers[`"]/.test(sql)) ?? '';
      expect([/\bsc_word1\b/.test(pageOf(listed.statements)), /\bst_word1\b/.test(pageOf(listed.statements))]).toEqual([true, false]);
      expect([/\bsc_word1\b/.test(pageOf(checked.statements)), /\bst_word1\b/.test(pageOf(checked.statements))]).toEqual([false, true]);
    });

    it("checks a word per term on the primary key (brand, customer_id, …), never on the word's range of the term index", async () => {
      const lone = await createValidCustomer(t, { givenName: `Lone${tag}`, familyName: 'Famlone' });
      const statements: Array<{ sql: string; parameters: unknown[] }> = [];
      const stop = t.server.statementLog.subscribe((sql, parameters) => statements.push({ sql, parameters: [...parameters] }));
      try {
        expect(await searchIds(t, `lone${tag} fam`)).toEqual([lone.id]);
      } finally {
        stop();
      }
      const page = statements.find((statement) => /\bst_word1\b/.test(statement.sql) && /FROM [`"]customers[`"]/.test(statement.sql));
      expect(page).toBeDefined();
      const context = `${page!.sql}\n${JSON.stringify(page!.parameters)}`;
      if (dialect === 'mysql') {
        const analyzed = `ANALYZE FORMAT=JSON ${page!.sql}`;
        const [row] = await t.sql<Record<string, string>>(analyzed, page!.parameters);
        const check = tableAccesses(JSON.parse(Object.values(row!)[0]!)).find((access) => access.table_name === 'st_word1');
        expect({ context, checkBy: check?.key, keyParts: check?.used_key_parts }).toEqual({
          context,
          checkBy: 'PRIMARY',
          keyParts: ['brand', 'customer_id'],
        });
      } else {
        const details = (await t.sql<{ detail: string }>(`EXPLAIN QUERY PLAN ${page!.sql}`, page!.parameters)).map((row) => row.detail);
        const check = details.find((detail) => /^SEARCH st_word1 /.test(detail));
        expect({ context, check }).toEqual({
          context,
          check: 'SEARCH st_word1 USING COVERING INDEX sqlite_autoindex_customer_search_terms_1 (brand=? AND customer_id=?)',
        });
      }
    });
  });

  describe('the migration', () => {
    async function migrate(steps: (runner: QueryRunner) => Promise<void>): Promise<void> {
      const runner = t.server.dataSource.createQueryRunner();
      try {
        await steps(runner);
      } finally {
        await runner.release();
      }
    }

    /** Terms of these customers whose created_at or deleted_at is not their customer's. */
    async function termsOutOfStep(ids: string[]): Promise<unknown[]> {
      return t.sql(
        `SELECT t.customer_id, t.term FROM customer_search_terms t JOIN customers c ON c.id = t.customer_id
          WHERE t.customer_id IN (${ids.map(() => '?').join(', ')})
            AND NOT (t.created_at = c.created_at AND ((t.deleted_at IS NULL AND c.deleted_at IS NULL) OR t.deleted_at = c.deleted_at))`,
        ids,
      );
    }

    it("gives the terms that exist their customers' creation and deletion times", async () => {
      const tag = uniqueLetters();
      const live = await createValidCustomer(t, {
        givenName: 'Kept',
        familyName: `Terms${tag}`,
        channels: [{ type: 'OTHER', value: `keep${tag}` }],
      });
      const gone = await createValidCustomer(t, { givenName: 'Kept', familyName: `Terms${tag}` });
      await deleteCustomer(t, gone.id);
      const before = await t.sql<{ n: number }>('SELECT COUNT(*) AS n FROM customer_search_terms WHERE customer_id IN (?, ?)', [
        live.id,
        gone.id,
      ]);
      const orderKeys = new SearchTermOrderKeys1765800000000();
      // Back to the terms as the search migration left them (no order keys), then forward again.
      await migrate(async (runner) => {
        await orderKeys.down(runner);
        await orderKeys.up(runner);
      });
      expect(
        await t.sql<{ n: number }>('SELECT COUNT(*) AS n FROM customer_search_terms WHERE customer_id IN (?, ?)', [live.id, gone.id]),
      ).toEqual(before);
      expect(await termsOutOfStep([live.id, gone.id])).toEqual([]);
      expect(await searchIds(t, `terms${tag}`)).toEqual([live.id]);
      expect(await searchIds(t, `terms${tag}`, { includeDeleted: true })).toEqual([live.id, gone.id]);
      expect(await searchIds(t, `keep${tag}`)).toEqual([live.id]);
    });

    it('builds the terms of the customers that exist when it runs', async () => {
      const tag = uniqueLetters();
      const { id } = await createValidCustomer(t, {
        givenName: 'Back',
        familyName: `Filled${tag}`,
        channels: [{ type: 'OTHER', value: `chan${tag}` }],
      });
      // The search migration makes the table empty; the next one adds the order keys and builds every customer's terms.
      await migrate(async (runner) => {
        const search = new SearchAndMerge1765600000000();
        const orderKeys = new SearchTermOrderKeys1765800000000();
        await orderKeys.down(runner);
        await search.down(runner);
        await search.up(runner);
        await orderKeys.up(runner);
      });
      expect(await searchIds(t, `filled${tag}`)).toEqual([id]);
      expect(await searchIds(t, `chan${tag}`)).toEqual([id]);
      expect(await termsOutOfStep([id])).toEqual([]);
    });

    it('deletes the terms that are a prefix of another term of the same customer and channel, and nothing else', async () => {
      const tag = uniqueLetters();
      const { id } = await createValidCustomer(t, {
        givenName: `Pre${tag}`,
        familyName: 'Fixed',
        emailAddress: `pre${tag}.fixed@example.com`,
        channels: [{ type: 'OTHER', value: `pre${tag}` }],
      });
      const termsOf = async () =>
        (
          await t.sql<{ channel: string; term: string }>(
            'SELECT channel_id AS channel, term FROM customer_search_terms WHERE customer_id = ? ORDER BY channel_id, term',
            [id],
          )
        ).map((row) => `${row.channel === '' ? 'own' : 'channel'}:${row.term}`);
      const written = await termsOf();
      // The writes store no prefix of another term: the given name is the start of the e-mail address.
      expect(written).not.toContain(`own:pre${tag}`);
      expect(written).toContain(`channel:pre${tag}`);
      // Terms as earlier writes stored them: the given name's and the family name's own terms.
      const [{ created_at: createdAt }] = await t.sql<{ created_at: string }>(
        'SELECT created_at FROM customer_search_terms WHERE customer_id = ?',
        [id],
      );
      for (const term of [`pre${tag}`, 'fixed'])
        await t.sql('INSERT INTO customer_search_terms (brand, customer_id, channel_id, term, created_at) VALUES (?, ?, ?, ?, ?)', [
          'default',
          id,
          '',
          term,
          createdAt,
        ]);
      expect(await termsOf()).toHaveLength(written.length + 2);
      await migrate((runner) => new SearchTermsWithoutPrefixes1765900000000().up(runner));
      // The channel's `pre…` stays: a prefix of a term of the customer's own fields, not of another of the channel's.
      expect(await termsOf()).toEqual(written);
      expect(await searchIds(t, `pre${tag} fixed`)).toEqual([id]);
    });
  });
});

describeDb('CustomerFilter.search across brands', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer({ AUTH_JWT_SECRET: TEST_JWT_SECRET });
  });

  afterAll(async () => {
    await t?.close();
  });

  it("finds only the caller's brand's customers", async () => {
    const alpha = bearer(await hs256Token({ claims: { brand: 'alpha' } }));
    const beta = bearer(await hs256Token({ claims: { brand: 'beta' } }));
    const created = dataOf(
      await t.graphql<{ createCustomer: { customer: { id: string } } }>(
        'mutation { createCustomer(input: { givenName: "Brand", familyName: "Bound", emailAddress: "shared@brand.example" }) { customer { id } } }',
        {},
        alpha,
      ),
    );
    const search = (headers: Record<string, string>) => t.graphql<SearchPage>(SEARCH, { filter: { search: 'bound shared' } }, headers);
    expect(dataOf(await search(alpha)).customers.nodes).toEqual([{ id: created.createCustomer.customer.id }]);
    expect(dataOf(await search(beta)).customers.nodes).toEqual([]);
  });
});

import { ABSENT_CUSTOMER_ID } from '../helpers/ids';
import { createValidCustomer, customerById, CustomerView, deleteCustomer, gql, onlyErrorOf, uniqueLetters } from '../helpers/customer-api';
import { describeDb, startTestServer, TestServer } from '../helpers/test-server';

const LIST = /* GraphQL */ `
  query List($filter: CustomerFilter, $first: Int) {
    customers(filter: $filter, first: $first) {
      nodes {
        id
      }
    }
  }
`;

describeDb('customer queries', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer();
  });

  afterAll(async () => {
    await t?.close();
  });

  /** Ids of the customers matching `filter`, in the default order. */
  async function matching(filter: Record<string, unknown>): Promise<string[]> {
    const response = await gql<{ customers: { nodes: Array<{ id: string }> } }>(t, LIST, { filter, first: 1000 });
    return response.customers.nodes.map((node) => node.id);
  }

  /** Sets a customer's timestamps directly, so that time filters have exact instants to compare with. */
  async function setTimes(id: string, createdAt: string, updatedAt: string): Promise<void> {
    const sqlTime = (iso: string) => iso.replace('T', ' ').replace('Z', '');
    await t.sql('UPDATE customers SET created_at = ?, updated_at = ? WHERE id = ?', [sqlTime(createdAt), sqlTime(updatedAt), id]);
  }

  describe('Query.customer', () => {
    it('returns the customer by id', async () => {
      const customer = await createValidCustomer(t, { givenName: 'Found', emailAddress: 'found@example.com' });
      expect(await customerById(t, customer.id)).toEqual(customer);
    });

    it('returns null for an unknown id', async () => {
      expect(await customerById(t, ABSENT_CUSTOMER_ID)).toBeNull();
      expect(await customerById(t, 'not-an-id')).toBeNull();
    });

    it('returns a soft-deleted customer only with includeDeleted: true', async () => {
      const customer = await createValidCustomer(t, { givenName: 'Deleted' });
      await deleteCustomer(t, customer.id);
      expect(await customerById(t, customer.id)).toBeNull();
      expect(await customerById(t, customer.id, false)).toBeNull();
      const deleted = await customerById(t, customer.id, true);
      expect(deleted?.id).toBe(customer.id);
      expect(deleted?.deletedAt).not.toBeNull();
    });

    it('returns an active customer with includeDeleted: true as well', async () => {
      const customer = await createValidCustomer(t, { givenName: 'Active' });
      expect(await customerById(t, customer.id, true)).toEqual(customer);
    });
  });

  describe('Query.customerByExternalId', () => {
    const query = 'query($externalId: String!) { customerByExternalId(externalId: $externalId) { id externalId } }';

    it('returns the customer holding the external id', async () => {
      const externalId = `ext-${uniqueLetters()}`;
      const customer = await createValidCustomer(t, { externalId, givenName: 'External' });
      const response = await gql<{ customerByExternalId: { id: string } | null }>(t, query, { externalId });
      expect(response.customerByExternalId).toEqual({ id: customer.id, externalId });
    });

    it('returns null for an unknown external id, and matches exactly (case-sensitive)', async () => {
      const externalId = `Ext-${uniqueLetters()}`;
      await createValidCustomer(t, { externalId, givenName: 'External' });
      for (const other of [`${externalId}x`, externalId.toLowerCase()]) {
        const response = await gql<{ customerByExternalId: { id: string } | null }>(t, query, { externalId: other });
        expect(response.customerByExternalId).toBeNull();
      }
    });
  });

  describe('Query.customers filters', () => {
    it('filters by ids', async () => {
      const a = await createValidCustomer(t, { givenName: 'Ids' });
      await createValidCustomer(t, { givenName: 'Ids' });
      const c = await createValidCustomer(t, { givenName: 'Ids' });
      expect(await matching({ ids: [c.id, a.id, ABSENT_CUSTOMER_ID] })).toEqual([a.id, c.id]);
      expect(await matching({ ids: [] })).toEqual([]);
    });

    it('filters by externalId exactly', async () => {
      const token = uniqueLetters();
      const customer = await createValidCustomer(t, { externalId: `f-${token}`, givenName: 'Ext' });
      await createValidCustomer(t, { externalId: `f-${token}-2`, givenName: 'Ext' });
      expect(await matching({ externalId: `f-${token}` })).toEqual([customer.id]);
      expect(await matching({ externalId: `F-${token}` })).toEqual([]);
    });

    it('filters by e-mail address exactly and case-insensitively', async () => {
      const local = uniqueLetters();
      const customer = await createValidCustomer(t, { givenName: 'Mail', emailAddress: `${local}.Mixed@Example.com` });
      await createValidCustomer(t, { givenName: 'Mail', emailAddress: `${local}.Mixed@Example.com.au` });
      expect(await matching({ emailAddress: `${local}.mixed@example.COM` })).toEqual([customer.id]);
      expect(await matching({ emailAddress: `${local}.mixed` })).toEqual([]);
    });

    it('refuses a blank e-mail filter instead of matching customers without an e-mail address', async () => {
      await createValidCustomer(t, { givenName: 'Nomail' });
      const response = await t.graphql(LIST, { filter: { emailAddress: '  ' } });
      expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(response.errors?.[0]?.message).toContain('emailAddress');
    });

    it('filters by phone number after normalising it to E.164', async () => {
      const customer = await createValidCustomer(t, { givenName: 'Phone', phoneNumber: '+1 212 555 0147' });
      expect(await matching({ phoneNumber: '+1 (212) 555-0147' })).toContain(customer.id);
      expect(await matching({ phoneNumber: '+12125550147' })).toContain(customer.id);
      expect(await matching({ phoneNumber: '+1 212 555 0148' })).not.toContain(customer.id);
    });

    it('refuses an unparseable phone number filter with BAD_USER_INPUT', async () => {
      const response = await t.graphql(LIST, { filter: { phoneNumber: 'garbage' } });
      expect(onlyErrorOf(response).code).toBe('BAD_USER_INPUT');
    });

    it('filters by a case-insensitive prefix of the given name, the family name or the whole name', async () => {
      const family = `Fam${uniqueLetters()}`;
      const given = `Giv${uniqueLetters()}`;
      const both = await createValidCustomer(t, { givenName: given, familyName: family });
      const familyOnly = await createValidCustomer(t, { familyName: family });
      const other = await createValidCustomer(t, { givenName: 'Other', familyName: `X${family}` });

      expect(await matching({ name: given.toUpperCase() })).toEqual([both.id]);
      expect(await matching({ name: family.toLowerCase() })).toEqual([both.id, familyOnly.id]);
      expect(await matching({ name: `${given} ${family.slice(0, 4)}`.toLowerCase() })).toEqual([both.id]);
      // A prefix, not a substring.
      expect(await matching({ name: family.slice(1) })).toEqual([]);
      expect(await matching({ name: `x${family}` })).toEqual([other.id]);
    });

    it('treats LIKE wildcards in the name filter as plain characters', async () => {
      const family = `Wild${uniqueLetters()}`;
      await createValidCustomer(t, { familyName: family });
      expect(await matching({ name: `${family.slice(0, 2)}%` })).toEqual([]);
      expect(await matching({ name: `_${family.slice(1)}` })).toEqual([]);
      expect(await matching({ name: `${family.slice(0, 3)}!` })).toEqual([]);
    });

    it('matches non-Latin names case-insensitively', async () => {
      const token = uniqueLetters();
      const customer = await createValidCustomer(t, { givenName: 'Ørjan', familyName: `Ñandú${token}` });
      expect(await matching({ name: `ñandú${token}` })).toEqual([customer.id]);
      expect(await matching({ name: `øRJAN ñ` })).toContain(customer.id);
    });

    it('matches a name with İ by prefix, whichever case the filter uses', async () => {
      const family = `İz${uniqueLetters()}`;
      const customer = await createValidCustomer(t, { familyName: family });
      expect(await matching({ name: family })).toEqual([customer.id]);
      expect(await matching({ name: family.toLowerCase() })).toEqual([customer.id]);
      expect(await matching({ name: `iZ${family.slice(2)}` })).toEqual([customer.id]);
    });

    it('filters by externalId exactly: surrounding spaces make another value', async () => {
      const externalId = `exact-${uniqueLetters()}`;
      const customer = await createValidCustomer(t, { externalId, givenName: 'Exact' });
      expect(await matching({ externalId })).toEqual([customer.id]);
      expect(await matching({ externalId: ` ${externalId} ` })).toEqual([]);
      expect(await matching({ externalId: `${externalId} ` })).toEqual([]);
    });

    it('filters by language code after canonicalising it', async () => {
      const family = uniqueLetters();
      const swiss = await createValidCustomer(t, { familyName: family, languageCode: 'de-CH' });
      await createValidCustomer(t, { familyName: family, languageCode: 'de' });
      expect(await matching({ name: family, languageCode: 'de-ch' })).toEqual([swiss.id]);
    });

    it('refuses an invalid language code filter with BAD_USER_INPUT', async () => {
      expect(onlyErrorOf(await t.graphql(LIST, { filter: { languageCode: 'en_US' } })).code).toBe('BAD_USER_INPUT');
    });

    it('filters by creation and change time, strictly', async () => {
      const family = uniqueLetters();
      const customers: CustomerView[] = [];
      for (let i = 0; i < 4; i += 1) customers.push(await createValidCustomer(t, { familyName: family }));
      const [a, b, c, d] = customers;
      await setTimes(a.id, '2021-01-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z');
      await setTimes(b.id, '2022-01-01T00:00:00.000Z', '2023-01-01T00:00:00.000Z');
      await setTimes(c.id, '2023-01-01T00:00:00.000Z', '2022-01-01T00:00:00.000Z');
      await setTimes(d.id, '2024-01-01T00:00:00.000Z', '2021-01-01T00:00:00.000Z');
      const ids = customers.map((customer) => customer.id);
      const sorted = async (filter: Record<string, unknown>) => (await matching({ ids, ...filter })).sort();

      expect(await sorted({ createdAfter: '2022-01-01T00:00:00.000Z' })).toEqual([c.id, d.id].sort());
      expect(await sorted({ createdAfter: '2021-12-31T23:59:59.999Z' })).toEqual([b.id, c.id, d.id].sort());
      expect(await sorted({ createdBefore: '2022-01-01T00:00:00.000Z' })).toEqual([a.id]);
      expect(await sorted({ createdBefore: '2022-01-01T00:00:00.001Z' })).toEqual([a.id, b.id].sort());
      expect(await sorted({ updatedAfter: '2023-01-01T00:00:00.000Z' })).toEqual([a.id]);
      expect(await sorted({ updatedBefore: '2023-01-01T00:00:00.000Z' })).toEqual([c.id, d.id].sort());
      expect(await sorted({ createdAfter: '2021-06-01T00:00:00.000Z', updatedAfter: '2021-06-01T00:00:00.000Z' })).toEqual(
        [b.id, c.id].sort(),
      );
      expect(await sorted({ createdAfter: '2022-06-01T00:00:00+02:00', createdBefore: '2023-06-01T00:00:00Z' })).toEqual([c.id]);
    });

    it('leaves soft-deleted customers out unless includeDeleted is true', async () => {
      const family = uniqueLetters();
      const kept = await createValidCustomer(t, { familyName: family });
      const gone = await createValidCustomer(t, { familyName: family });
      await deleteCustomer(t, gone.id);
      expect(await matching({ name: family })).toEqual([kept.id]);
      expect(await matching({ name: family, includeDeleted: false })).toEqual([kept.id]);
      expect(await matching({ name: family, includeDeleted: true })).toEqual([kept.id, gone.id]);
    });

    it('requires every given condition to hold', async () => {
      const family = uniqueLetters();
      const match = await createValidCustomer(t, { familyName: family, languageCode: 'fr', phoneNumber: '+33 1 42 68 53 00' });
      await createValidCustomer(t, { familyName: family, languageCode: 'fr' });
      await createValidCustomer(t, { familyName: family, phoneNumber: '+33 1 42 68 53 00' });
      expect(await matching({ name: family, languageCode: 'fr', phoneNumber: '+33142685300' })).toEqual([match.id]);
    });
  });
});

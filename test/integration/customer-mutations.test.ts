import { ABSENT_CUSTOMER_ID } from '../helpers/ids';
import {
  countRows,
  createCustomer,
  createValidCustomer,
  customerById,
  CustomerInput,
  CustomerView,
  deleteCustomer,
  gql,
  storedRow,
  uniqueLetters,
  updateCustomer,
  upsertCustomer,
  upsertCustomers,
} from '../helpers/customer-api';
import { describeDb, startTestServer, TestServer } from '../helpers/test-server';

const CUSTOMER_ID = /^cus_[0-9A-HJKMNP-TV-Z]{26}$/;

/** An e-mail address of exactly `length` characters that is otherwise valid. */
function emailOfLength(length: number): string {
  const local = 'l'.repeat(64);
  let remaining = length - local.length - 1 - '.com'.length;
  const labels: string[] = [];
  while (remaining > 0) {
    const size = Math.min(60, remaining === 61 ? 59 : remaining);
    labels.push('d'.repeat(size));
    remaining -= size + 1;
  }
  return `${local}@${labels.join('.')}.com`;
}

const fiftyOneKeys = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i]));
const over16KiB = { blob: 'x'.repeat(16 * 1024) };

/** Inputs that break exactly one rule, with the path and code the error must carry. */
const INVALID_FIELDS: Array<[string, CustomerInput, string, string]> = [
  ['a given name over 100 characters', { givenName: 'a'.repeat(101) }, 'givenName', 'TOO_LONG'],
  ['a family name over 100 characters', { familyName: 'a'.repeat(101) }, 'familyName', 'TOO_LONG'],
  ['digits in a given name', { givenName: 'Ann3' }, 'givenName', 'INVALID'],
  ['an emoji in a family name', { familyName: 'Smith 😀' }, 'familyName', 'INVALID'],
  ['an e-mail address over 250 characters', { emailAddress: emailOfLength(251) }, 'emailAddress', 'TOO_LONG'],
  ['an invalid e-mail address', { emailAddress: 'not-an-email' }, 'emailAddress', 'INVALID'],
  ['an unparseable phone number', { phoneNumber: 'garbage' }, 'phoneNumber', 'INVALID'],
  ['an invalid language code', { languageCode: 'en_US' }, 'languageCode', 'INVALID'],
  ['an empty external id', { externalId: '' }, 'externalId', 'INVALID'],
  ['an external id over 128 characters', { externalId: 'x'.repeat(129) }, 'externalId', 'INVALID'],
  ['metadata with more than 50 keys', { metadata: fiftyOneKeys }, 'metadata', 'LIMIT_EXCEEDED'],
  ['metadata over 16 KiB', { metadata: over16KiB }, 'metadata', 'LIMIT_EXCEEDED'],
];

describeDb('customer mutations', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer();
  });

  afterAll(async () => {
    await t?.close();
  });

  describe('Mutation.createCustomer', () => {
    it('creates a customer with normalised fields, version 1 and a cus_ ULID id', async () => {
      const externalId = `crm-${uniqueLetters()}`;
      const before = Date.now();
      const customer = await createValidCustomer(t, {
        externalId,
        givenName: ' Zoë ',
        familyName: "Ørsted-O'Neil Jr.",
        emailAddress: 'Zoe.Orsted@Example.com',
        phoneNumber: '+49 30 726219941',
        languageCode: 'en-us',
        metadata: { tier: 'gold', tags: ['a', 'b'], nested: { n: 1 } },
      });
      expect(customer).toMatchObject({
        externalId,
        givenName: 'Zoë',
        familyName: "Ørsted-O'Neil Jr.",
        name: "Zoë Ørsted-O'Neil Jr.",
        emailAddress: 'Zoe.Orsted@Example.com',
        phoneNumber: '+4930726219941',
        languageCode: 'en-US',
        metadata: { tier: 'gold', tags: ['a', 'b'], nested: { n: 1 } },
        deletedAt: null,
        version: 1,
      });
      expect(customer.id).toMatch(CUSTOMER_ID);
      expect(customer.updatedAt).toBe(customer.createdAt);
      expect(customer.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(Date.parse(customer.createdAt)).toBeGreaterThanOrEqual(before - 1000);

      // What the mutation returned is what was stored.
      expect(await customerById(t, customer.id)).toEqual(customer);
      const row = await storedRow(t, customer.id);
      expect(row).toMatchObject({ external_id: externalId, phone_number: '+4930726219941', language_code: 'en-US', version: 1 });
    });

    it.each([['José'], ['李'], ["Ørsted-O'Neil Jr."], ['Zoë']])('accepts the name %s', async (name) => {
      const customer = await createValidCustomer(t, { givenName: name });
      expect(customer).toMatchObject({ givenName: name, familyName: '', name });
    });

    it('accepts a family name alone and defaults metadata to {}', async () => {
      const customer = await createValidCustomer(t, { familyName: 'Lee' });
      expect(customer).toMatchObject({
        givenName: '',
        familyName: 'Lee',
        name: 'Lee',
        externalId: null,
        emailAddress: null,
        phoneNumber: null,
        languageCode: null,
        metadata: {},
      });
    });

    it('creates distinct customers from equal inputs without an idempotency key', async () => {
      const input = { givenName: 'Twin', familyName: uniqueLetters() };
      const first = await createValidCustomer(t, input);
      const second = await createValidCustomer(t, input);
      expect(second.id).not.toBe(first.id);
      expect(await countRows(t, 'family_name = ?', [input.familyName])).toBe(2);
    });

    it('refuses two blank names with BLANK and writes nothing', async () => {
      const rows = await countRows(t);
      for (const input of [{}, { givenName: '  ', familyName: '' }, { givenName: null, emailAddress: 'blank@example.com' }]) {
        const payload = await createCustomer(t, input);
        expect(payload.customer).toBeNull();
        expect(payload.userErrors).toEqual([expect.objectContaining({ code: 'BLANK', field: ['input', 'givenName'] })]);
      }
      expect(await countRows(t)).toBe(rows);
    });

    it.each(INVALID_FIELDS)('refuses %s and writes nothing', async (_label, input, field, code) => {
      const rows = await countRows(t);
      const payload = await createCustomer(t, { givenName: 'Valid', ...input });
      expect(payload.customer).toBeNull();
      expect(payload.userErrors).toEqual([{ field: ['input', field], code, message: expect.any(String) }]);
      expect(payload.userErrors[0].message).not.toBe('');
      expect(await countRows(t)).toBe(rows);
    });

    it('reports every broken field at once', async () => {
      const payload = await createCustomer(t, { givenName: 'Ann3', emailAddress: 'nope', phoneNumber: 'garbage' });
      expect(payload.userErrors.map((error) => error.field)).toEqual([
        ['input', 'givenName'],
        ['input', 'emailAddress'],
        ['input', 'phoneNumber'],
      ]);
    });

    it('refuses an externalId another customer has with TAKEN and writes nothing', async () => {
      const externalId = `taken-${uniqueLetters()}`;
      await createValidCustomer(t, { externalId, givenName: 'First' });
      const rows = await countRows(t);
      const payload = await createCustomer(t, { externalId, givenName: 'Second' });
      expect(payload).toEqual({
        customer: null,
        userErrors: [{ field: ['input', 'externalId'], code: 'TAKEN', message: expect.any(String) }],
      });
      expect(await countRows(t)).toBe(rows);
    });

    it('refuses the externalId of a soft-deleted customer with TAKEN', async () => {
      const externalId = `deleted-${uniqueLetters()}`;
      const holder = await createValidCustomer(t, { externalId, givenName: 'Gone' });
      expect((await deleteCustomer(t, holder.id)).userErrors).toEqual([]);
      const payload = await createCustomer(t, { externalId, givenName: 'New' });
      expect(payload.userErrors).toEqual([expect.objectContaining({ code: 'TAKEN' })]);
      expect(await countRows(t, 'external_id = ?', [externalId])).toBe(1);
    });

    it('treats external ids that differ only in case as different ids', async () => {
      const token = uniqueLetters();
      await createValidCustomer(t, { externalId: `case-${token}`, givenName: 'Lower' });
      await createValidCustomer(t, { externalId: `CASE-${token}`, givenName: 'Upper' });
      expect(await countRows(t, 'external_id IN (?, ?)', [`case-${token}`, `CASE-${token}`])).toBe(2);
    });

    it('stores a 100-character name whose letters lower-case to more than one character', async () => {
      const customer = await createValidCustomer(t, { givenName: 'İ'.repeat(100), familyName: `İ${'I'.repeat(99)}` });
      expect(customer.givenName).toBe('İ'.repeat(100));
      expect(await customerById(t, customer.id)).toEqual(customer);
    });

    it('stores the externalId exactly as given, so " a1 " and "a1" are two ids on every database', async () => {
      const externalId = `pad-${uniqueLetters()}`;
      const padded = await createValidCustomer(t, { externalId: ` ${externalId}  `, givenName: 'Padded' });
      expect(padded.externalId).toBe(` ${externalId}  `);
      const plain = await createValidCustomer(t, { externalId, givenName: 'Plain' });
      expect(plain.id).not.toBe(padded.id);
      const trailing = await createValidCustomer(t, { externalId: `${externalId} `, givenName: 'Trailing' });
      expect(new Set([padded.id, plain.id, trailing.id]).size).toBe(3);
      const lookUp = async (value: string) =>
        (
          await gql<{ customerByExternalId: { id: string } | null }>(
            t,
            'query($externalId: String!) { customerByExternalId(externalId: $externalId) { id } }',
            { externalId: value },
          )
        ).customerByExternalId;
      expect(await lookUp(externalId)).toEqual({ id: plain.id });
      expect(await lookUp(`${externalId} `)).toEqual({ id: trailing.id });
      expect(await lookUp(` ${externalId}  `)).toEqual({ id: padded.id });
      expect(await lookUp(`${externalId}  `)).toBeNull();
      const upserted = await upsertCustomer(t, { externalId: `${externalId} `, familyName: 'Matched' });
      expect(upserted).toMatchObject({ created: false, customer: { id: trailing.id, familyName: 'Matched' } });
      expect((await createCustomer(t, { externalId, givenName: 'Again' })).userErrors).toEqual([
        expect.objectContaining({ code: 'TAKEN' }),
      ]);
      expect(await countRows(t, 'external_id LIKE ?', [`%${externalId}%`])).toBe(3);
    });

    it('refuses an externalId that is only white space', async () => {
      expect((await createCustomer(t, { externalId: '   ', givenName: 'Blank' })).userErrors).toEqual([
        expect.objectContaining({ code: 'INVALID', field: ['input', 'externalId'] }),
      ]);
    });

    it('lets exactly one of two concurrent creates with the same externalId win, the other gets TAKEN', async () => {
      const externalId = `race-${uniqueLetters()}`;
      const payloads = await Promise.all([
        createCustomer(t, { externalId, givenName: 'One' }),
        createCustomer(t, { externalId, givenName: 'Two' }),
      ]);
      expect(payloads.filter((payload) => payload.customer !== null)).toHaveLength(1);
      expect(payloads.flatMap((payload) => payload.userErrors.map((error) => error.code))).toEqual(['TAKEN']);
      expect(await countRows(t, 'external_id = ?', [externalId])).toBe(1);
    });
  });

  describe('Mutation.updateCustomer', () => {
    async function fullCustomer(): Promise<CustomerView> {
      return createValidCustomer(t, {
        externalId: `upd-${uniqueLetters()}`,
        givenName: 'Ada',
        familyName: 'Lovelace',
        emailAddress: 'ada@example.com',
        phoneNumber: '+44 20 7946 0958',
        languageCode: 'en-gb',
        metadata: { a: 1, b: { c: 2, d: 3 }, keep: true },
      });
    }

    it('changes only the fields given and leaves absent fields alone', async () => {
      const customer = await fullCustomer();
      const payload = await updateCustomer(t, { id: customer.id, givenName: 'Augusta' });
      expect(payload.userErrors).toEqual([]);
      expect(payload.customer).toEqual({
        ...customer,
        givenName: 'Augusta',
        name: 'Augusta Lovelace',
        version: 2,
        updatedAt: expect.any(String),
      });
      expect(Date.parse(payload.customer!.updatedAt)).toBeGreaterThanOrEqual(Date.parse(customer.updatedAt));
      expect(await customerById(t, customer.id)).toEqual(payload.customer);
    });

    it('clears every nullable field given as an explicit null', async () => {
      const customer = await fullCustomer();
      const payload = await updateCustomer(t, {
        id: customer.id,
        externalId: null,
        givenName: null,
        emailAddress: null,
        phoneNumber: null,
        languageCode: null,
        metadata: null,
      });
      expect(payload.userErrors).toEqual([]);
      expect(payload.customer).toMatchObject({
        externalId: null,
        givenName: '',
        familyName: 'Lovelace',
        name: 'Lovelace',
        emailAddress: null,
        phoneNumber: null,
        languageCode: null,
        metadata: {},
        version: 2,
      });
      expect(await customerById(t, customer.id)).toEqual(payload.customer);
      expect(await storedRow(t, customer.id)).toMatchObject({ external_id: null, email_address: null, phone_number: null });
    });

    it('applies metadata as a JSON merge patch', async () => {
      const customer = await fullCustomer();
      const payload = await updateCustomer(t, { id: customer.id, metadata: { a: null, b: { c: 9, d: null, e: [1, 2] }, z: 'new' } });
      expect(payload.userErrors).toEqual([]);
      expect(payload.customer!.metadata).toEqual({ b: { c: 9, e: [1, 2] }, keep: true, z: 'new' });
      expect((await customerById(t, customer.id))!.metadata).toEqual({ b: { c: 9, e: [1, 2] }, keep: true, z: 'new' });
    });

    it('refuses a metadata patch whose result exceeds 50 keys, and changes nothing', async () => {
      const customer = await createValidCustomer(t, {
        givenName: 'Meta',
        metadata: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, i])),
      });
      const payload = await updateCustomer(t, { id: customer.id, metadata: { extra: 1 } });
      expect(payload.userErrors).toEqual([expect.objectContaining({ field: ['input', 'metadata'], code: 'LIMIT_EXCEEDED' })]);
      expect(await customerById(t, customer.id)).toEqual(customer);
    });

    it('normalises changed fields as on create', async () => {
      const customer = await fullCustomer();
      const payload = await updateCustomer(t, { id: customer.id, phoneNumber: '+49 30 726219941', languageCode: 'de-ch' });
      expect(payload.customer).toMatchObject({ phoneNumber: '+4930726219941', languageCode: 'de-CH', version: 2 });
    });

    it('adds 1 to the version for every change', async () => {
      const customer = await fullCustomer();
      const versions: number[] = [];
      for (const givenName of ['B', 'C', 'D']) versions.push((await updateCustomer(t, { id: customer.id, givenName })).customer!.version);
      expect(versions).toEqual([2, 3, 4]);
    });

    it('does not bump the version or updatedAt for an update that changes nothing', async () => {
      const customer = await fullCustomer();
      const payload = await updateCustomer(t, {
        id: customer.id,
        givenName: 'Ada',
        emailAddress: 'ada@example.com',
        phoneNumber: '+442079460958',
        languageCode: 'en-GB',
        metadata: { a: 1 },
      });
      expect(payload).toEqual({ customer, userErrors: [] });
      expect((await updateCustomer(t, { id: customer.id })).customer).toEqual(customer);
      expect(await customerById(t, customer.id)).toEqual(customer);
    });

    it('applies the update when expectedVersion is the current version', async () => {
      const customer = await fullCustomer();
      const payload = await updateCustomer(t, { id: customer.id, expectedVersion: 1, familyName: 'King' });
      expect(payload.userErrors).toEqual([]);
      expect(payload.customer).toMatchObject({ familyName: 'King', version: 2 });
    });

    it('refuses a stale expectedVersion with VERSION_CONFLICT and changes nothing', async () => {
      const customer = await fullCustomer();
      const current = (await updateCustomer(t, { id: customer.id, givenName: 'Second' })).customer!;
      const payload = await updateCustomer(t, { id: customer.id, expectedVersion: 1, givenName: 'Third', metadata: { a: null } });
      expect(payload).toEqual({
        customer: null,
        userErrors: [{ field: ['input', 'expectedVersion'], code: 'VERSION_CONFLICT', message: expect.any(String) }],
      });
      expect(await customerById(t, customer.id)).toEqual(current);
      expect(await storedRow(t, customer.id)).toMatchObject({ given_name: 'Second', version: 2 });
    });

    it('refuses to blank both names with BLANK and changes nothing', async () => {
      const customer = await fullCustomer();
      const payload = await updateCustomer(t, { id: customer.id, givenName: '', familyName: null });
      expect(payload.userErrors).toEqual([expect.objectContaining({ code: 'BLANK' })]);
      expect(await customerById(t, customer.id)).toEqual(customer);
    });

    it.each(INVALID_FIELDS)('refuses %s and changes nothing', async (_label, input, field, code) => {
      const customer = await fullCustomer();
      const payload = await updateCustomer(t, { id: customer.id, familyName: 'Changed', ...input });
      expect(payload.customer).toBeNull();
      expect(payload.userErrors).toEqual([{ field: ['input', field], code, message: expect.any(String) }]);
      expect(await customerById(t, customer.id)).toEqual(customer);
    });

    it('refuses an externalId another customer has with TAKEN and changes nothing', async () => {
      const holder = await fullCustomer();
      const customer = await fullCustomer();
      const payload = await updateCustomer(t, { id: customer.id, externalId: holder.externalId, givenName: 'Changed' });
      expect(payload).toEqual({
        customer: null,
        userErrors: [{ field: ['input', 'externalId'], code: 'TAKEN', message: expect.any(String) }],
      });
      expect(await customerById(t, customer.id)).toEqual(customer);
    });

    it('keeps its own externalId without TAKEN', async () => {
      const customer = await fullCustomer();
      const payload = await updateCustomer(t, { id: customer.id, externalId: customer.externalId, givenName: 'Same' });
      expect(payload.userErrors).toEqual([]);
      expect(payload.customer).toMatchObject({ externalId: customer.externalId, givenName: 'Same', version: 2 });
    });

    it('answers NOT_FOUND for an unknown id', async () => {
      const payload = await updateCustomer(t, { id: ABSENT_CUSTOMER_ID, givenName: 'Nobody' });
      expect(payload).toEqual({ customer: null, userErrors: [{ field: ['input', 'id'], code: 'NOT_FOUND', message: expect.any(String) }] });
    });

    it('answers NOT_FOUND for a soft-deleted customer and changes nothing', async () => {
      const customer = await fullCustomer();
      await deleteCustomer(t, customer.id);
      const before = await customerById(t, customer.id, true);
      const payload = await updateCustomer(t, { id: customer.id, givenName: 'Ghost' });
      expect(payload.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND' })]);
      expect(await customerById(t, customer.id, true)).toEqual(before);
    });

    it('keeps e-mail matching in step with the changed address', async () => {
      const customer = await fullCustomer();
      const address = `${uniqueLetters()}@Example.org`;
      await updateCustomer(t, { id: customer.id, emailAddress: address });
      const response = await gql<{ customers: { nodes: Array<{ id: string }> } }>(
        t,
        'query($email: String) { customers(filter: { emailAddress: $email }) { nodes { id } } }',
        { email: address.toUpperCase() },
      );
      expect(response.customers.nodes).toEqual([{ id: customer.id }]);
    });
  });

  describe('Mutation.upsertCustomer', () => {
    it('creates a customer for a new externalId (created: true), then updates it (created: false)', async () => {
      const externalId = `ups-${uniqueLetters()}`;
      const first = await upsertCustomer(t, { externalId, givenName: 'Grace', familyName: 'Hopper', metadata: { a: 1, b: 2 } });
      expect(first.userErrors).toEqual([]);
      expect(first.created).toBe(true);
      expect(first.customer).toMatchObject({ externalId, name: 'Grace Hopper', version: 1, metadata: { a: 1, b: 2 } });

      const second = await upsertCustomer(t, { externalId, emailAddress: 'grace@example.com', metadata: { a: null, c: 3 } });
      expect(second.userErrors).toEqual([]);
      expect(second.created).toBe(false);
      expect(second.customer).toEqual({
        ...first.customer,
        emailAddress: 'grace@example.com',
        metadata: { b: 2, c: 3 },
        version: 2,
        updatedAt: expect.any(String),
      });
      expect(await countRows(t, 'external_id = ?', [externalId])).toBe(1);
    });

    it('does not bump the version when the upsert changes nothing', async () => {
      const externalId = `same-${uniqueLetters()}`;
      const first = await upsertCustomer(t, { externalId, givenName: 'Same' });
      const second = await upsertCustomer(t, { externalId, givenName: 'Same' });
      expect(second).toEqual({ customer: first.customer, created: false, userErrors: [] });
    });

    it('matches the customer that already holds the externalId instead of creating another', async () => {
      const existing = await createValidCustomer(t, { externalId: `held-${uniqueLetters()}`, givenName: 'Holder' });
      const payload = await upsertCustomer(t, { externalId: existing.externalId, familyName: 'Updated' });
      expect(payload).toMatchObject({ created: false, userErrors: [], customer: { id: existing.id, familyName: 'Updated' } });
      expect(await countRows(t, 'external_id = ?', [existing.externalId])).toBe(1);
    });

    it('creates exactly one customer when two upserts of a new externalId run at once', async () => {
      const externalId = `ups-race-${uniqueLetters()}`;
      const payloads = await Promise.all([
        upsertCustomer(t, { externalId, givenName: 'A' }),
        upsertCustomer(t, { externalId, givenName: 'B' }),
      ]);
      expect(payloads.flatMap((payload) => payload.userErrors)).toEqual([]);
      expect(payloads.map((payload) => payload.created).sort()).toEqual([false, true]);
      expect(new Set(payloads.map((payload) => payload.customer!.id)).size).toBe(1);
      expect(await countRows(t, 'external_id = ?', [externalId])).toBe(1);
    });

    it('refuses to create a customer without a name with BLANK and writes nothing', async () => {
      const externalId = `noname-${uniqueLetters()}`;
      const payload = await upsertCustomer(t, { externalId, emailAddress: 'noname@example.com' });
      expect(payload).toEqual({ customer: null, created: false, userErrors: [expect.objectContaining({ code: 'BLANK' })] });
      expect(await countRows(t, 'external_id = ?', [externalId])).toBe(0);
    });

    it.each(INVALID_FIELDS.filter(([, input]) => !('externalId' in input)))(
      'refuses %s and writes nothing',
      async (_label, input, field, code) => {
        const externalId = `bad-${uniqueLetters()}`;
        const payload = await upsertCustomer(t, { externalId, givenName: 'Valid', ...input });
        expect(payload).toEqual({
          customer: null,
          created: false,
          userErrors: [{ field: ['input', field], code, message: expect.any(String) }],
        });
        expect(await countRows(t, 'external_id = ?', [externalId])).toBe(0);
      },
    );

    it('refuses an invalid externalId with INVALID and writes nothing', async () => {
      const rows = await countRows(t);
      for (const externalId of ['', 'x'.repeat(129)]) {
        const payload = await upsertCustomer(t, { externalId, givenName: 'Valid' });
        expect(payload.userErrors).toEqual([expect.objectContaining({ field: ['input', 'externalId'], code: 'INVALID' })]);
      }
      expect(await countRows(t)).toBe(rows);
    });

    it('refuses an invalid change to an existing customer and changes nothing', async () => {
      const externalId = `exist-${uniqueLetters()}`;
      const original = (await upsertCustomer(t, { externalId, givenName: 'Kept' })).customer!;
      const payload = await upsertCustomer(t, { externalId, givenName: 'Ann3', emailAddress: 'new@example.com' });
      expect(payload.userErrors).toEqual([expect.objectContaining({ field: ['input', 'givenName'], code: 'INVALID' })]);
      expect(await customerById(t, original.id)).toEqual(original);
    });
  });

  describe('Mutation.upsertCustomers', () => {
    it('returns one result per input in input order, writing the valid ones only', async () => {
      const token = uniqueLetters();
      const existing = (await upsertCustomer(t, { externalId: `bulk-${token}-0`, givenName: 'Old' })).customer!;
      const payload = await upsertCustomers(t, [
        { externalId: `bulk-${token}-0`, givenName: 'Renamed' },
        { externalId: `bulk-${token}-1`, givenName: 'New' },
        { externalId: `bulk-${token}-2`, givenName: 'Broken', emailAddress: 'nope' },
        { externalId: `bulk-${token}-3`, emailAddress: 'nameless@example.com' },
        { externalId: `bulk-${token}-4`, familyName: 'Also new' },
      ]);
      expect(payload.userErrors).toEqual([]);
      expect(payload.results.map(({ index, created, userErrors }) => ({ index, created, codes: userErrors.map((e) => e.code) }))).toEqual([
        { index: 0, created: false, codes: [] },
        { index: 1, created: true, codes: [] },
        { index: 2, created: false, codes: ['INVALID'] },
        { index: 3, created: false, codes: ['BLANK'] },
        { index: 4, created: true, codes: [] },
      ]);
      expect(payload.results[0].customer).toMatchObject({ id: existing.id, givenName: 'Renamed', version: 2 });
      expect(payload.results[2].customer).toBeNull();
      expect(payload.results[2].userErrors[0].field).toEqual(['inputs', '2', 'emailAddress']);
      expect(payload.results[3].userErrors[0].field?.slice(0, 2)).toEqual(['inputs', '3']);
      expect(await countRows(t, 'external_id LIKE ?', [`bulk-${token}-%`])).toBe(3);
      expect(await countRows(t, 'external_id IN (?, ?)', [`bulk-${token}-2`, `bulk-${token}-3`])).toBe(0);
    });

    it('creates once and then updates when the same externalId appears twice in one call', async () => {
      const externalId = `twice-${uniqueLetters()}`;
      const payload = await upsertCustomers(t, [
        { externalId, givenName: 'First' },
        { externalId, familyName: 'Second' },
      ]);
      expect(payload.results.map((result) => result.created)).toEqual([true, false]);
      expect(payload.results[1].customer).toMatchObject({ givenName: 'First', familyName: 'Second', version: 2 });
      expect(await countRows(t, 'external_id = ?', [externalId])).toBe(1);
    });

    it('writes new customers and their customer.created activities in one statement each, however many there are', async () => {
      const statementsFor = async (size: number) => {
        const token = uniqueLetters();
        const inputs = Array.from({ length: size }, (_, i) => ({ externalId: `batch-${token}-${i}`, givenName: 'Batch' }));
        const { result, count } = await t.countStatements(() => upsertCustomers(t, inputs));
        expect(result.results.every((item) => item.created)).toBe(true);
        const [{ n }] = await t.sql<{ n: number | string }>(
          "SELECT COUNT(*) AS n FROM customer_activities a JOIN customers c ON c.id = a.customer_id WHERE c.external_id LIKE ? AND a.type = 'customer.created'",
          [`batch-${token}-%`],
        );
        expect(Number(n)).toBe(size);
        return count;
      };
      expect(await statementsFor(100)).toBe(await statementsFor(10));
    });

    it('refuses more than 1000 inputs with one top-level LIMIT_EXCEEDED and writes nothing', async () => {
      const token = uniqueLetters();
      const rows = await countRows(t);
      const inputs = Array.from({ length: 1001 }, (_, i) => ({ externalId: `limit-${token}-${i}`, givenName: 'Many' }));
      const payload = await upsertCustomers(t, inputs);
      expect(payload.results).toEqual([]);
      expect(payload.userErrors).toEqual([{ field: ['inputs'], code: 'LIMIT_EXCEEDED', message: expect.any(String) }]);
      expect(await countRows(t)).toBe(rows);
    });

    it('accepts exactly 1000 inputs', async () => {
      const token = uniqueLetters();
      const inputs = Array.from({ length: 1000 }, (_, i) => ({ externalId: `thousand-${token}-${i}`, givenName: 'Many' }));
      const payload = await upsertCustomers(t, inputs);
      expect(payload.userErrors).toEqual([]);
      expect(payload.results).toHaveLength(1000);
      expect(payload.results.every((result) => result.created && result.userErrors.length === 0)).toBe(true);
      expect(await countRows(t, 'external_id LIKE ?', [`thousand-${token}-%`])).toBe(1000);
    });
  });

  describe('Mutation.deleteCustomer', () => {
    it('soft-deletes: the row stays with deletedAt set and the customer leaves queries', async () => {
      const externalId = `del-${uniqueLetters()}`;
      const customer = await createValidCustomer(t, { externalId, givenName: 'Leaving' });
      expect(await deleteCustomer(t, customer.id)).toEqual({ deletedCustomerId: customer.id, userErrors: [] });

      expect(await customerById(t, customer.id)).toBeNull();
      expect(await customerById(t, customer.id, false)).toBeNull();
      const deleted = await customerById(t, customer.id, true);
      expect(deleted).toMatchObject({ id: customer.id, givenName: 'Leaving', version: 2 });
      expect(Date.parse(deleted!.deletedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(customer.createdAt));

      const byExternalId = await gql<{ customerByExternalId: { id: string } | null }>(
        t,
        'query($externalId: String!) { customerByExternalId(externalId: $externalId) { id } }',
        { externalId },
      );
      expect(byExternalId.customerByExternalId).toBeNull();
      expect(await countRows(t, 'id = ? AND deleted_at IS NOT NULL', [customer.id])).toBe(1);
    });

    it('answers NOT_FOUND for an unknown id', async () => {
      expect(await deleteCustomer(t, ABSENT_CUSTOMER_ID)).toEqual({
        deletedCustomerId: null,
        userErrors: [{ field: ['id'], code: 'NOT_FOUND', message: expect.any(String) }],
      });
    });

    it('answers NOT_FOUND when the customer is already deleted, and changes nothing', async () => {
      const customer = await createValidCustomer(t, { givenName: 'Twice' });
      await deleteCustomer(t, customer.id);
      const before = await customerById(t, customer.id, true);
      expect((await deleteCustomer(t, customer.id)).userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND' })]);
      expect(await customerById(t, customer.id, true)).toEqual(before);
    });
  });

  describe('upsert of a soft-deleted customer', () => {
    it('brings the customer back (created: false, deletedAt cleared) rather than creating another', async () => {
      const externalId = `revive-${uniqueLetters()}`;
      const original = (await upsertCustomer(t, { externalId, givenName: 'Back' })).customer!;
      await deleteCustomer(t, original.id);
      const payload = await upsertCustomer(t, { externalId, givenName: 'Back' });
      expect(payload.userErrors).toEqual([]);
      expect(payload.created).toBe(false);
      expect(payload.customer).toMatchObject({ id: original.id, deletedAt: null, version: 3 });
      expect(await customerById(t, original.id)).toMatchObject({ id: original.id, deletedAt: null });
    });
  });
});

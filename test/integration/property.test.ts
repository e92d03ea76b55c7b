import { ABSENT_CUSTOMER_ID } from '../helpers/ids';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GraphQLSchema } from 'graphql';
import { buildCustomerSchema } from '../../src/api/schema';
import { snapshotDatabase } from '../helpers/database-scan';
import { argumentsAsVariables, collectUserErrors, userErrorSelection } from '../helpers/input-paths';
import { describeDb, dialect, GraphQLResponse, startTestServer, TestServer } from '../helpers/test-server';

const NUM_RUNS = 40;
/** Sequences of up to 12 requests, each sent to both servers. */
const DIFFERENTIAL_RUNS = 30;
// Each property makes about 40 requests and 80 full-database snapshots.
jest.setTimeout(120_000);
const REGISTRY_FLAGS = (JSON.parse(readFileSync(join(__dirname, '../../config/flags.json'), 'utf8')) as Array<{ name: string }>).map(
  (flag) => flag.name,
);
const CHANNEL_TYPES = ['EMAIL', 'TELEPHONE', 'FACEBOOK', 'TWITTER', 'WHATSAPP', 'OTHER'];

const controlCharacter = fc
  .integer({ min: 0, max: 0x9f })
  .filter((code) => code < 0x20 || code >= 0x7f)
  .map((code) => String.fromCharCode(code));
const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code));

/** Characters the two databases used to compare differently: outside the BMP, combining, case-special, spaces. */
const AWKWARD_CHARACTERS = [
  '陳',
  '𠀋',
  '𝐀',
  '𝐚',
  '𐐀',
  '𐐨',
  '😀',
  '👩‍👩‍👧',
  'e\u0301',
  'é',
  'İ',
  'ß',
  'ﬁ',
  'ｚ',
  '\uffff',
  ' ',
  '\u00a0',
  'a',
  'A',
];
const awkwardText = fc.string({ unit: fc.constantFrom(...AWKWARD_CHARACTERS), maxLength: 12 });

/** A value with trailing or leading spaces, in NFD or NFC, or in another case: another value everywhere but e-mail and names. */
function variantOf(value: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.tuple(value, fc.constantFrom('pad', 'pad2', 'lead', 'nfd', 'nfc', 'upper', 'lower')).map(
    ([text, how]) =>
      ({
        pad: `${text} `,
        pad2: `${text}  `,
        lead: ` ${text}`,
        nfd: text.normalize('NFD'),
        nfc: text.normalize('NFC'),
        upper: text.toUpperCase(),
        lower: text.toLowerCase(),
      })[how]!,
  );
}

/** Any string: ASCII, every code point, control characters and lone surrogates mixed in, non-BMP, padded and normalisation variants, or something plausible. */
function anyString(plausible: readonly string[] = []): fc.Arbitrary<string> {
  return fc.oneof(
    fc.string(),
    fc.string({ unit: 'binary' }),
    fc.string({ unit: fc.oneof(fc.string({ minLength: 1, maxLength: 1 }), controlCharacter, loneSurrogate) }),
    fc.string({ minLength: 90, maxLength: 300 }),
    awkwardText,
    ...(plausible.length > 0 ? [fc.constantFrom(...plausible), variantOf(fc.constantFrom(...plausible))] : []),
  );
}

/** Instants at and beyond the stored range (1000-01-01 … 9999-12-31), with offsets that cross it, and ordinary ones. */
const EDGE_INSTANTS = [
  '0001-01-01T00:00:00Z',
  '0099-12-31T23:59:59.999Z',
  '0999-12-31T23:59:59.999Z',
  '1000-01-01T00:00:00.000Z',
  '1000-01-01T00:59:59.999+01:00',
  '1000-01-01T01:00:00.000+01:00',
  '1969-12-31T23:59:59.999Z',
  '9999-12-31T23:59:59.999Z',
  '9999-12-31T23:59:59.999-00:01',
  '9999-12-31T23:59:59.9999Z',
];
const instants = fc.oneof(
  fc.constantFrom(...EDGE_INSTANTS),
  fc
    .date({ min: new Date('0001-01-01T00:00:00.000Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true })
    .map((d) => d.toISOString()),
);

/**
 * An object nested `depth` levels deep: mostly around the 32-level limit (both sides of it), and now and
 * then a thousand levels, which must be refused as data on either dialect (json-guard.test.ts drives 6,000).
 */
const nestedObject = fc
  .oneof({ weight: 8, arbitrary: fc.integer({ min: 1, max: 40 }) }, { weight: 1, arbitrary: fc.constantFrom(33, 100, 1_000) })
  .map((depth) => {
    let value: Record<string, unknown> = { leaf: '𠀋' };
    for (let level = 1; level < depth; level += 1) value = { [depth > 100 ? 'k' : `k${level}`]: value };
    return value;
  });

const names = anyString(['Ann', 'Émile', 'María José', "O'Brien", 'Zoë-Lee', '', ' ', '山田', '陳𠀋', '𝐀da', '𐐀𐐨']);
const emails = anyString(['ann@example.com', 'ANN@Example.COM', 'not-an-email', 'a@b', '']);
const phones = anyString(['+49 30 726219941', '+4930726219941', '030 726219941', '+1 202-555-0143', '12']);
const languages = anyString(['en', 'en-us', 'de-CH', 'zz-ZZ-xx', 'x', '']);
const externalIds = anyString(['ext-1', 'ext-2', ' ext-1 ', '', 'Zoë', 'ext-😀']);
const metadataKey = fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'toString', ''));
const jsonObject = fc.oneof(
  { weight: 4, arbitrary: fc.dictionary(fc.oneof(metadataKey, awkwardText), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 60 }) },
  { weight: 1, arbitrary: nestedObject },
);
const mergePatch = fc.dictionary(metadataKey, fc.oneof(fc.constant(null), fc.jsonValue({ maxDepth: 2 })), { maxKeys: 8 });
const flagNames = fc.oneof(fc.constantFrom(...REGISTRY_FLAGS), variantOf(fc.constantFrom(...REGISTRY_FLAGS)), anyString());
const channelTypes = fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...CHANNEL_TYPES) }, { weight: 1, arbitrary: fc.string() });
const channel = fc.record({ type: channelTypes, value: fc.oneof(phones, emails, anyString(['@handle', 'x'])) });

/** Optional fields: absent, null, or a value. */
function optional<T>(arbitrary: fc.Arbitrary<T>) {
  return fc.option(arbitrary, { nil: null });
}

const customerFields = {
  externalId: optional(externalIds),
  givenName: optional(names),
  familyName: optional(names),
  emailAddress: optional(emails),
  phoneNumber: optional(phones),
  languageCode: optional(languages),
};

describeDb('mutations under arbitrary input', () => {
  let t: TestServer;
  let schema: GraphQLSchema;
  let customerIds: string[];
  let channelIds: string[];

  beforeAll(async () => {
    t = await startTestServer();
    schema = await buildCustomerSchema();
    customerIds = [];
    channelIds = [];
    for (const [index, givenName] of ['Alpha', 'Beta', 'Gamma', 'Delta', 'Epsilon', 'Zeta'].entries()) {
      const response = await t.graphql<{ createCustomer: { customer: { id: string; channels: Array<{ id: string }> } } }>(
        `mutation ($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id channels { id } } } }`,
        {
          input: {
            givenName,
            externalId: `ext-${index + 1}`,
            channels: [{ type: 'OTHER', value: `handle-${index}` }],
            flags: ['vip'],
            metadata: { seq: index },
          },
        },
      );
      customerIds.push(response.data!.createCustomer.customer.id);
      channelIds.push(response.data!.createCustomer.customer.channels[0]!.id);
    }
  });
  afterAll(() => t.close());

  const ids = () =>
    fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...customerIds) },
      { weight: 1, arbitrary: variantOf(fc.constantFrom(...customerIds)) },
      { weight: 1, arbitrary: anyString([ABSENT_CUSTOMER_ID]) },
    );

  /** Arbitrary variables for every mutation of the contract. */
  const variablesFor = (): Record<string, fc.Arbitrary<Record<string, unknown>>> => ({
    createCustomer: fc.record(
      {
        input: fc.record(
          {
            ...customerFields,
            metadata: optional(jsonObject),
            channels: optional(fc.array(channel, { maxLength: 4 })),
            flags: optional(fc.array(flagNames, { maxLength: 4 })),
          },
          { requiredKeys: [] },
        ),
        idempotencyKey: optional(anyString(['key-1', 'key-2'])),
      },
      { requiredKeys: ['input'] },
    ),
    updateCustomer: fc.record({
      input: fc.record(
        { id: ids(), expectedVersion: optional(fc.integer({ min: -2, max: 5 })), ...customerFields, metadata: optional(mergePatch) },
        { requiredKeys: ['id'] },
      ),
    }),
    upsertCustomer: fc.record({
      input: fc.record({ ...customerFields, externalId: externalIds, metadata: optional(jsonObject) }, { requiredKeys: ['externalId'] }),
    }),
    upsertCustomers: fc.record({
      inputs: fc.array(fc.record({ ...customerFields, externalId: externalIds }, { requiredKeys: ['externalId'] }), { maxLength: 4 }),
    }),
    deleteCustomer: fc.record({ id: ids() }),
    purgeCustomer: fc.record({ id: ids() }),
    addCustomerFlag: fc.record({ customerId: ids(), flag: flagNames }),
    removeCustomerFlag: fc.record({ customerId: ids(), flag: flagNames }),
    addCustomerChannel: fc.record({ customerId: ids(), channel }),
    removeCustomerChannel: fc.record({
      customerId: ids(),
      channelId: fc.oneof(fc.constantFrom(...channelIds), anyString()),
    }),
    recordCustomerActivity: fc.record({
      input: fc.record(
        {
          customerId: ids(),
          type: anyString(['note', 'order.placed', 'customer.created', '']),
          message: optional(anyString()),
          initiatedBy: optional(anyString()),
          sourceUrl: optional(anyString(['https://example.com/a', 'ftp://example.com', 'http://'])),
          occurredAt: optional(instants),
          data: optional(jsonObject),
        },
        { requiredKeys: ['customerId', 'type'] },
      ),
    }),
  });

  it('covers every mutation of the schema', () => {
    expect(Object.keys(schema.getMutationType()!.getFields()).sort()).toEqual(Object.keys(variablesFor()).sort());
  });

  it.each([
    'createCustomer',
    'updateCustomer',
    'upsertCustomer',
    'upsertCustomers',
    'deleteCustomer',
    'purgeCustomer',
    'addCustomerFlag',
    'removeCustomerFlag',
    'addCustomerChannel',
    'removeCustomerChannel',
    'recordCustomerActivity',
  ])('%s never fails internally, and changes nothing when it reports userErrors', async (name) => {
    const field = schema.getMutationType()!.getFields()[name]!;
    const { declarations, args } = argumentsAsVariables(field);
    const query = `mutation${declarations} { ${name}${args} { ${userErrorSelection(field.type)} } }`;
    await fc.assert(
      fc.asyncProperty(variablesFor()[name]!, async (variables) => {
        const before = await snapshotDatabase(t);
        const response = await t.graphql<Record<string, unknown>>(query, variables);
        const codes = (response.errors ?? []).map((error) => error.extensions?.code);
        expect(codes.filter((code) => code !== 'BAD_USER_INPUT')).toEqual([]);
        const payload = response.data?.[name] as Record<string, unknown> | undefined;
        const ownErrors = Array.isArray(payload?.userErrors) ? payload.userErrors : [];
        const results = Array.isArray(payload?.results) ? (payload.results as unknown[]) : null;
        // upsertCustomers writes the valid inputs and reports the others: it is refused as a whole only when every input is.
        const refused =
          codes.length > 0 ||
          ownErrors.length > 0 ||
          (results === null
            ? collectUserErrors(payload).length > 0
            : results.length > 0 && results.every((r) => collectUserErrors(r).length > 0));
        if (refused) expect(await snapshotDatabase(t)).toEqual(before);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

const SORT_FIELDS = ['CREATED_AT', 'UPDATED_AT', 'FAMILY_NAME', 'EMAIL_ADDRESS'];
/** Valid names, external ids and channel values with characters outside the BMP and in both normalisations. */
const PLAUSIBLE_NAMES = ['陳𠀋', '陳大文', '𝐀da', '𐐀𐐨', 'Zoë', 'Zoe\u0308', 'ｚeta', 'Ann'];
const PLAUSIBLE_EXTERNAL_IDS = ['ext-1', 'Ext-1', 'ext-😀', 'Zoë', 'Zoe\u0308'];
const HANDLES = ['handle-0', 'handle-😀', 'Zoë', 'Zoe\u0308'];

/** A filter of every kind, from the same awkward strings and edge instants as the mutations. */
function customerFilter<Id>(ids: fc.Arbitrary<Id>) {
  return fc.record(
    {
      ids: optional(fc.array(ids, { maxLength: 3 })),
      externalId: optional(externalIds),
      emailAddress: optional(emails),
      phoneNumber: optional(phones),
      name: optional(names),
      channelValue: optional(anyString(['handle-0', 'handle-1', '+4930726219941'])),
      hasFlag: optional(flagNames),
      languageCode: optional(languages),
      createdAfter: optional(instants),
      createdBefore: optional(instants),
      updatedAfter: optional(instants),
      updatedBefore: optional(instants),
      includeDeleted: optional(fc.boolean()),
    },
    { requiredKeys: [] },
  );
}
const activityFilter = fc.record(
  {
    types: optional(fc.array(anyString(['note', 'customer.created', 'order.placed']), { maxLength: 3 })),
    origin: optional(fc.constantFrom('SYSTEM', 'EXTERNAL')),
    occurredAfter: optional(instants),
    occurredBefore: optional(instants),
  },
  { requiredKeys: [] },
);
const orderBy = optional(fc.record({ field: fc.constantFrom(...SORT_FIELDS), direction: fc.constantFrom('ASC', 'DESC') }));

const LIST_QUERY = /* GraphQL */ `
  query ($filter: CustomerFilter, $orderBy: CustomerOrder, $first: Int, $activityFilter: CustomerActivityFilter) {
    customers(filter: $filter, orderBy: $orderBy, first: $first) {
      totalCount
      nodes {
        id
        externalId
        givenName
        familyName
        name
        emailAddress
        phoneNumber
        languageCode
        metadata
        createdAt
        updatedAt
        deletedAt
        version
        channels {
          id
          type
          value
          createdAt
        }
        flags(first: 10) {
          totalCount
          nodes {
            name
            addedAt
          }
        }
        activities(first: 5, filter: $activityFilter) {
          totalCount
          nodes {
            id
            type
            origin
            message
            initiatedBy
            sourceUrl
            data
            occurredAt
          }
        }
      }
      pageInfo {
        hasNextPage
        hasPreviousPage
      }
    }
  }
`;

describeDb('filters under arbitrary input', () => {
  let t: TestServer;
  let customerIds: string[];

  beforeAll(async () => {
    t = await startTestServer();
    customerIds = [];
    for (const [index, familyName] of ['陳𠀋', '陳大文', '𝐀da', '𐐀𐐨', 'Zoë', 'Zoe\u0308'].entries()) {
      const response = await t.graphql<{ createCustomer: { customer: { id: string } } }>(
        `mutation ($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } } }`,
        { input: { familyName, externalId: `ext-${index}`, channels: [{ type: 'OTHER', value: `handle-${index}` }], flags: ['vip'] } },
      );
      customerIds.push(response.data!.createCustomer.customer.id);
    }
  });
  afterAll(() => t.close());

  it('customers(filter, orderBy) and activities(filter) never fail internally', async () => {
    const ids = fc.oneof(fc.constantFrom(...customerIds), variantOf(fc.constantFrom(...customerIds)), anyString());
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          filter: optional(customerFilter(ids)),
          orderBy,
          activityFilter: optional(activityFilter),
          first: fc.constantFrom(1, 3, 50),
        }),
        async (variables) => {
          const response = await t.graphql(LIST_QUERY, variables);
          const codes = (response.errors ?? []).map((error) => error.extensions?.code);
          expect(codes.filter((code) => code !== 'BAD_USER_INPUT')).toEqual([]);
        },
      ),
      { numRuns: NUM_RUNS * 2 },
    );
  });
});

/**
 * The same requests sent to a MariaDB/MySQL server and to a SQLite server must get the same answers, up to what
 * each server generates itself: ids (replaced by their order of first appearance, which is creation order on both,
 * since ids grow monotonically), cursors, and the instants of the run itself (createdAt and the like).
 */
class AnswerNormaliser {
  private readonly labels = new Map<string, string>();
  private readonly counters = new Map<string, number>();
  /** Customer ids in order of first appearance; requests refer to customers by position. */
  readonly customers: string[] = [];
  readonly channels: string[] = [];

  constructor(private readonly runStartedAt: number) {}

  normalise(value: unknown, key?: string): unknown {
    if (typeof value === 'string') {
      if (key === 'cursor' || key === 'startCursor' || key === 'endCursor') return '<cursor>';
      const time = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(value) ? Date.parse(value) : Number.NaN;
      if (time >= this.runStartedAt - 60_000 && time <= Date.now() + 60_000) return '<now>';
      return value.replace(/\b(cus|chn|act)_[0-9A-HJKMNP-TV-Z]{26}\b/gi, (id, prefix: string) => this.label(id, prefix));
    }
    if (Array.isArray(value)) return value.map((item) => this.normalise(item));
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.normalise(v, k)]));
    }
    return value;
  }

  private label(id: string, prefix: string): string {
    let label = this.labels.get(id);
    if (label === undefined) {
      const n = this.counters.get(prefix) ?? 0;
      this.counters.set(prefix, n + 1);
      label = `<${prefix}#${n}>`;
      this.labels.set(id, label);
      if (prefix === 'cus') this.customers.push(id);
      if (prefix === 'chn') this.channels.push(id);
    }
    return label;
  }
}

/** A reference to the n-th customer (or channel) each server created, optionally altered the same way on both. */
interface Ref {
  ref: 'cus' | 'chn';
  n: number;
  variant: 'exact' | 'pad' | 'lower' | 'nfd-pad';
}
const refTo = (kind: Ref['ref']): fc.Arbitrary<Ref> =>
  fc.record({
    ref: fc.constant(kind),
    n: fc.nat({ max: 12 }),
    variant: fc.oneof(
      { weight: 6, arbitrary: fc.constant('exact' as const) },
      fc.constantFrom('pad' as const, 'lower' as const, 'nfd-pad' as const),
    ),
  });

function isRef(value: unknown): value is Ref {
  return value !== null && typeof value === 'object' && 'ref' in value && 'n' in value && 'variant' in value;
}

/** The variables as one server must receive them: references resolved to that server's own ids. */
function resolveRefs(value: unknown, normaliser: AnswerNormaliser): unknown {
  if (isRef(value)) {
    const known = value.ref === 'cus' ? normaliser.customers : normaliser.channels;
    const id = known.length === 0 ? `${value.ref}_00000000000000000000000000` : known[value.n % known.length]!;
    return { exact: id, pad: `${id} `, lower: id.toLowerCase(), 'nfd-pad': `${id}\u0301` }[value.variant];
  }
  if (Array.isArray(value)) return value.map((item) => resolveRefs(item, normaliser));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveRefs(v, normaliser)]));
  }
  return value;
}

const CUSTOMER_SELECTION =
  'id externalId givenName familyName name emailAddress phoneNumber languageCode metadata version deletedAt channels { id type value }';
const ERRORS = 'userErrors { field code message }';

/** Every mutation and the reads, each with arbitrary variables in which ids are references. */
function operations(): fc.Arbitrary<{ query: string; variables: Record<string, unknown> }> {
  const customerRef = refTo('cus');
  const channelRef = refTo('chn');
  const op = (query: string, variables: fc.Arbitrary<Record<string, unknown>>) => variables.map((v) => ({ query, variables: v }));
  const arbitraryInput = fc.record(
    {
      ...customerFields,
      metadata: optional(jsonObject),
      channels: optional(fc.array(channel, { maxLength: 3 })),
      flags: optional(fc.array(flagNames, { maxLength: 3 })),
    },
    { requiredKeys: [] },
  );
  // Mostly valid inputs, so that customers exist for the other operations to find (or, padded, not to find).
  const validInput = fc.record(
    {
      givenName: fc.constantFrom(...PLAUSIBLE_NAMES),
      familyName: fc.oneof(fc.constantFrom(...PLAUSIBLE_NAMES), variantOf(fc.constantFrom(...PLAUSIBLE_NAMES))),
      externalId: optional(fc.oneof(fc.constantFrom(...PLAUSIBLE_EXTERNAL_IDS), variantOf(fc.constantFrom(...PLAUSIBLE_EXTERNAL_IDS)))),
      emailAddress: optional(fc.constantFrom('ann@example.com', 'ANN@Example.COM', 'zoë@example.com')),
      channels: optional(
        fc.array(fc.record({ type: fc.constant('OTHER'), value: fc.oneof(awkwardText, variantOf(fc.constantFrom(...HANDLES))) }), {
          maxLength: 2,
        }),
      ),
      flags: optional(fc.array(fc.constantFrom(...REGISTRY_FLAGS.slice(0, 4)), { maxLength: 2 })),
      metadata: optional(jsonObject),
    },
    { requiredKeys: ['givenName', 'familyName'] },
  );
  const createInput = fc.oneof({ weight: 3, arbitrary: validInput }, arbitraryInput);
  return fc.oneof(
    {
      weight: 4,
      arbitrary: op(
        `mutation ($input: CreateCustomerInput!, $key: String) { createCustomer(input: $input, idempotencyKey: $key) { customer { ${CUSTOMER_SELECTION} } ${ERRORS} } }`,
        fc.record({ input: createInput, key: optional(fc.oneof(fc.constantFrom('k', 'k ', 'k  ', 'K', 'ké', 'ke\u0301'), anyString())) }),
      ),
    },
    op(
      `mutation ($input: UpdateCustomerInput!) { updateCustomer(input: $input) { customer { ${CUSTOMER_SELECTION} } ${ERRORS} } }`,
      fc.record({
        input: fc.record({ id: customerRef, ...customerFields, metadata: optional(mergePatch) }, { requiredKeys: ['id'] }),
      }),
    ),
    op(
      `mutation ($input: UpsertCustomerInput!) { upsertCustomer(input: $input) { created customer { ${CUSTOMER_SELECTION} } ${ERRORS} } }`,
      fc.record({
        input: fc.record({ ...customerFields, externalId: externalIds, metadata: optional(jsonObject) }, { requiredKeys: ['externalId'] }),
      }),
    ),
    op(
      `mutation ($inputs: [UpsertCustomerInput!]!) { upsertCustomers(inputs: $inputs) { results { index created customer { ${CUSTOMER_SELECTION} } ${ERRORS} } ${ERRORS} } }`,
      fc.record({
        inputs: fc.array(fc.record({ ...customerFields, externalId: externalIds }, { requiredKeys: ['externalId'] }), { maxLength: 3 }),
      }),
    ),
    op(`mutation ($id: ID!) { deleteCustomer(id: $id) { deletedCustomerId ${ERRORS} } }`, fc.record({ id: customerRef })),
    op(`mutation ($id: ID!) { purgeCustomer(id: $id) { deletedCustomerId ${ERRORS} } }`, fc.record({ id: customerRef })),
    op(
      `mutation ($c: ID!, $f: String!) { addCustomerFlag(customerId: $c, flag: $f) { customer { id version } ${ERRORS} } }`,
      fc.record({ c: customerRef, f: flagNames }),
    ),
    op(
      `mutation ($c: ID!, $f: String!) { removeCustomerFlag(customerId: $c, flag: $f) { customer { id version } ${ERRORS} } }`,
      fc.record({ c: customerRef, f: flagNames }),
    ),
    op(
      `mutation ($c: ID!, $ch: ChannelInput!) { addCustomerChannel(customerId: $c, channel: $ch) { channel { id type value } customer { id version } ${ERRORS} } }`,
      fc.record({ c: customerRef, ch: channel }),
    ),
    op(
      `mutation ($c: ID!, $ch: ID!) { removeCustomerChannel(customerId: $c, channelId: $ch) { customer { id version } ${ERRORS} } }`,
      fc.record({ c: customerRef, ch: channelRef }),
    ),
    {
      weight: 2,
      arbitrary: op(
        `mutation ($input: RecordCustomerActivityInput!) { recordCustomerActivity(input: $input) { activity { id type origin message data occurredAt } ${ERRORS} } }`,
        fc.record({
          input: fc.record(
            {
              customerId: customerRef,
              type: anyString(['note', 'order.placed', 'Note', 'note ']),
              message: optional(anyString()),
              occurredAt: optional(instants),
              data: optional(jsonObject),
            },
            { requiredKeys: ['customerId', 'type'] },
          ),
        }),
      ),
    },
    {
      weight: 4,
      arbitrary: op(
        LIST_QUERY,
        fc.record({
          filter: optional(customerFilter(customerRef)),
          orderBy,
          activityFilter: optional(activityFilter),
          first: fc.constantFrom(2, 50),
        }),
      ),
    },
    op(`query ($id: ID!) { customer(id: $id, includeDeleted: true) { ${CUSTOMER_SELECTION} } }`, fc.record({ id: customerRef })),
    op(`query ($e: String!) { customerByExternalId(externalId: $e) { ${CUSTOMER_SELECTION} } }`, fc.record({ e: externalIds })),
  );
}

(dialect === 'mysql' ? describeDb : describe.skip)('SQLite and MariaDB answer the same', () => {
  let mysql: TestServer;
  let sqlite: TestServer;

  beforeAll(async () => {
    [mysql, sqlite] = await Promise.all([startTestServer(), startTestServer({}, { dialect: 'sqlite' })]);
  });

  /** The same customers on both servers, each with a channel, a flag and an activity, for the operations to refer to. */
  async function seed(send: (query: string, variables: Record<string, unknown>) => Promise<GraphQLResponse<unknown>>) {
    for (const [index, familyName] of PLAUSIBLE_NAMES.entries()) {
      await send(`mutation ($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id channels { id } } } }`, {
        input: {
          familyName,
          externalId: PLAUSIBLE_EXTERNAL_IDS[index % PLAUSIBLE_EXTERNAL_IDS.length],
          channels: [{ type: 'OTHER', value: HANDLES[index % HANDLES.length] }],
          flags: ['vip'],
        },
      });
    }
  }
  afterAll(() => Promise.all([mysql.close(), sqlite.close()]));

  it('every mutation and filter, with non-BMP, padded and normalisation-variant text and edge dates', async () => {
    const runStartedAt = Date.now();
    const normalisers = { mysql: new AnswerNormaliser(runStartedAt), sqlite: new AnswerNormaliser(runStartedAt) };
    for (const [name, server] of [
      ['mysql', mysql],
      ['sqlite', sqlite],
    ] as const) {
      await seed(async (query, variables) => {
        const answer = await server.graphql(query, variables);
        normalisers[name].normalise(answer);
        return answer;
      });
    }
    for (const [name, server] of [
      ['mysql', mysql],
      ['sqlite', sqlite],
    ] as const) {
      for (const id of normalisers[name].customers) {
        await server.graphql(
          `mutation ($input: RecordCustomerActivityInput!) { recordCustomerActivity(input: $input) { activity { id } } }`,
          {
            input: { customerId: id, type: 'note', occurredAt: '1000-01-01T00:00:00.000Z' },
          },
        );
      }
    }
    await fc.assert(
      fc.asyncProperty(fc.array(operations(), { minLength: 1, maxLength: 12 }), async (sequence) => {
        for (const { query, variables } of sequence) {
          const answers: Record<'mysql' | 'sqlite', GraphQLResponse<unknown>> = {
            mysql: await mysql.graphql(query, resolveRefs(variables, normalisers.mysql) as Record<string, unknown>),
            sqlite: await sqlite.graphql(query, resolveRefs(variables, normalisers.sqlite) as Record<string, unknown>),
          };
          for (const answer of Object.values(answers)) {
            expect((answer.errors ?? []).map((error) => error.extensions?.code)).not.toContain('INTERNAL_SERVER_ERROR');
          }
          expect({ query, answer: normalisers.mysql.normalise(answers.mysql) }).toEqual({
            query,
            answer: normalisers.sqlite.normalise(answers.sqlite),
          });
        }
      }),
      // No shrinking: after a first mismatch the two databases hold different data, so smaller sequences replayed on them would mislead.
      { numRuns: DIFFERENTIAL_RUNS, endOnFailure: true },
    );
  });
});

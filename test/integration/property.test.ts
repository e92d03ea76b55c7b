import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GraphQLSchema } from 'graphql';
import { buildCustomerSchema } from '../../src/schema/build-schema';
import { snapshotDatabase } from '../helpers/database-scan';
import { argumentsAsVariables, collectUserErrors, userErrorSelection } from '../helpers/input-paths';
import { describeDb, startTestServer, TestServer } from '../helpers/test-server';

const NUM_RUNS = 40;
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

/** Any string: ASCII, every code point, control characters and lone surrogates mixed in, or something plausible. */
function anyString(plausible: readonly string[] = []): fc.Arbitrary<string> {
  return fc.oneof(
    fc.string(),
    fc.string({ unit: 'binary' }),
    fc.string({ unit: fc.oneof(fc.string({ minLength: 1, maxLength: 1 }), controlCharacter, loneSurrogate) }),
    fc.string({ minLength: 90, maxLength: 300 }),
    ...(plausible.length > 0 ? [fc.constantFrom(...plausible)] : []),
  );
}

const names = anyString(['Ann', 'Émile', 'María José', "O'Brien", 'Zoë-Lee', '', ' ', '山田']);
const emails = anyString(['ann@example.com', 'ANN@Example.COM', 'not-an-email', 'a@b', '']);
const phones = anyString(['+49 30 726219941', '+4930726219941', '030 726219941', '+1 202-555-0143', '12']);
const languages = anyString(['en', 'en-us', 'de-CH', 'zz-ZZ-xx', 'x', '']);
const externalIds = anyString(['ext-1', 'ext-2', ' ext-1 ', '']);
const metadataKey = fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'toString', ''));
const jsonObject = fc.dictionary(metadataKey, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 60 });
const mergePatch = fc.dictionary(metadataKey, fc.oneof(fc.constant(null), fc.jsonValue({ maxDepth: 2 })), { maxKeys: 8 });
const flagNames = fc.oneof(fc.constantFrom(...REGISTRY_FLAGS), anyString());
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
      { weight: 1, arbitrary: anyString(['cus_00000000000000000000000000']) },
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
          occurredAt: optional(
            fc.date({ min: new Date('1900-01-01'), max: new Date('2200-01-01'), noInvalidDate: true }).map((d) => d.toISOString()),
          ),
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

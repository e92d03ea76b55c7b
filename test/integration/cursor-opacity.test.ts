import { CursorCodec } from '../../src/core/paging/cursor-codec';
import { toActivityQuery } from '../../src/domain/activity/customer-activity.service';
import { DEFAULT_CUSTOMER_ORDER, toCustomerQuery } from '../../src/domain/customer/customer-listing';
import { createValidCustomer, gql, onlyErrorOf, uniqueLetters } from '../helpers/customer-api';
import { recordActivity } from '../helpers/nested-api';
import { describeDb, GraphQLResponse, startTestServer, TestServer } from '../helpers/test-server';

/**
 * Cursors as the contract has them: opaque in every sense (no value they were cut
 * at, in plain or base64 text), and an altered or forged cursor is BAD_USER_INPUT,
 * never a page, on both databases.
 */

const CURSOR_SECRET = 'cursor-opacity-test-secret';

const PAGE = /* GraphQL */ `
  query Page($first: Int, $after: String, $before: String, $last: Int, $orderBy: CustomerOrder) {
    customers(first: $first, after: $after, before: $before, last: $last, orderBy: $orderBy) {
      edges {
        cursor
        node {
          id
        }
      }
      pageInfo {
        endCursor
      }
    }
  }
`;

interface PageView {
  customers: { edges: Array<{ cursor: string; node: { id: string } }>; pageInfo: { endCursor: string | null } };
}

/** Every spelling in which a value could show through a cursor: plain, and base64 at each alignment. */
function readableForms(value: string): string[] {
  const forms = [value, value.toLowerCase()];
  for (const shift of [0, 1, 2]) {
    for (const text of [value, value.toLowerCase()]) {
      const encoded = Buffer.from(`${'x'.repeat(shift)}${text}`, 'utf8');
      forms.push(encoded.toString('base64url').slice(4, -4), encoded.toString('base64').slice(4, -4));
    }
  }
  return forms;
}

describeDb('pagination cursors', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer({ CURSOR_SECRET });
  });

  afterAll(async () => {
    await t?.close();
  });

  it('do not show the family name, e-mail address, id or instant they were cut at, in plain text, base64 or bytes', async () => {
    const familyName = `Zebulonsky${uniqueLetters()}`;
    const emailAddress = `${familyName.toLowerCase()}.private@example.com`;
    const customer = await createValidCustomer(t, { givenName: 'Opaque', familyName, emailAddress });
    for (const field of ['FAMILY_NAME', 'EMAIL_ADDRESS', 'CREATED_AT']) {
      const page = (await gql<PageView>(t, PAGE, { first: 1000, orderBy: { field, direction: 'ASC' } })).customers;
      const edge = page.edges.find((candidate) => candidate.node.id === customer.id)!;
      expect(edge).toBeDefined();
      const bytes = Buffer.from(edge.cursor, 'base64url');
      for (const text of [edge.cursor, bytes.toString('utf8'), bytes.toString('latin1')]) {
        for (const value of [familyName, emailAddress, customer.id, customer.createdAt]) {
          for (const form of readableForms(value)) expect(text).not.toContain(form);
        }
      }
    }
  });

  it('refuse a cursor with any one byte flipped with BAD_USER_INPUT, never a page', async () => {
    await createValidCustomer(t, { givenName: 'Flip', familyName: uniqueLetters() });
    await createValidCustomer(t, { givenName: 'Flip', familyName: uniqueLetters() });
    const cursor = (await gql<PageView>(t, PAGE, { first: 1 })).customers.pageInfo.endCursor!;
    expect((await gql<PageView>(t, PAGE, { first: 1, after: cursor })).customers.edges).toHaveLength(1);
    const bytes = Buffer.from(cursor, 'base64url');
    for (let index = 0; index < bytes.length; index += 1) {
      const altered = Buffer.from(bytes);
      altered[index]! ^= 0x01 << (index % 8);
      for (const argument of ['after', 'before'] as const) {
        const response = await t.graphql(PAGE, { [argument === 'after' ? 'first' : 'last']: 1, [argument]: altered.toString('base64url') });
        expect(response.data ?? null).toBeNull();
        const error = onlyErrorOf(response);
        expect(error.code).toBe('BAD_USER_INPUT');
        expect(error.message).toMatch(/malformed/);
      }
    }
  });

  describe('forged with the service key', () => {
    // A cursor made with the key itself (as if it had leaked) still gets no page unless its values fit their columns.
    const codec = new CursorCodec(CURSOR_SECRET);
    const customersBinding = CursorCodec.binding({
      connection: 'customers',
      query: toCustomerQuery(undefined),
      order: DEFAULT_CUSTOMER_ORDER,
    });

    it('is accepted when it carries what the service itself would have written (the forging matches the service)', async () => {
      const customer = await createValidCustomer(t, { givenName: 'Forge', familyName: uniqueLetters() });
      const forged = codec.encode(customersBinding, [customer.createdAt, customer.id]);
      const page = (await gql<PageView>(t, PAGE, { first: 1000 })).customers;
      expect(page.edges.find((edge) => edge.node.id === customer.id)?.cursor).toBe(forged);
    });

    it.each([
      ['a non-date value for the date column', ['not a date', 'cus_0']],
      ['a date in another spelling', ['2020-01-01', 'cus_0']],
      ['a number for the date column', [1700000000000, 'cus_0']],
      ['a number for the id column', ['2020-01-01T00:00:00.000Z', 42]],
      ['one value too few', ['2020-01-01T00:00:00.000Z']],
      ['one value too many', ['2020-01-01T00:00:00.000Z', 'cus_0', 'cus_1']],
    ])('refuses %s with BAD_USER_INPUT', async (_label, key) => {
      await createValidCustomer(t, { givenName: 'Forge', familyName: uniqueLetters() });
      for (const argument of ['after', 'before'] as const) {
        const response: GraphQLResponse<PageView> = await t.graphql<PageView>(PAGE, {
          [argument === 'after' ? 'first' : 'last']: 10,
          [argument]: codec.encode(customersBinding, key),
        });
        expect(response.data ?? null).toBeNull();
        expect(onlyErrorOf(response).code).toBe('BAD_USER_INPUT');
      }
    });

    it('refuses a non-date occurredAt in a nested activities cursor with BAD_USER_INPUT', async () => {
      const customer = await createValidCustomer(t, { givenName: 'Forge', familyName: uniqueLetters() });
      expect((await recordActivity(t, { customerId: customer.id, type: 'forge.test' })).userErrors).toEqual([]);
      const binding = CursorCodec.binding({ connection: 'activities', customerId: customer.id, query: toActivityQuery(undefined) });
      const response = await t.graphql<{ customer: { activities: unknown } | null }>(
        'query($id: ID!, $after: String) { customer(id: $id) { activities(first: 5, after: $after) { nodes { id } } } }',
        { id: customer.id, after: codec.encode(binding, ['yesterday', 'act_0']) },
      );
      expect(response.errors?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    });
  });
});

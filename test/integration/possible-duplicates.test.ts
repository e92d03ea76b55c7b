import { createValidCustomer, CustomerView, deleteCustomer, onlyErrorOf, seedCustomers, uniqueLetters, gql } from '../helpers/customer-api';
import { addChannel } from '../helpers/nested-api';
import { describeDb, startTestServer, TestServer } from '../helpers/test-server';

jest.setTimeout(120_000);

const DUPLICATES = /* GraphQL */ `
  query ($id: ID!, $first: Int) {
    customer(id: $id) {
      possibleDuplicates(first: $first) {
        id
      }
    }
  }
`;

async function duplicatesOf(t: TestServer, id: string, first?: number): Promise<string[]> {
  const data = await gql<{ customer: { possibleDuplicates: Array<{ id: string }> } }>(t, DUPLICATES, { id, first });
  return data.customer.possibleDuplicates.map((customer) => customer.id);
}

describeDb('Customer.possibleDuplicates', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer();
  });

  afterAll(async () => {
    await t?.close();
  });

  it('finds the same e-mail address in another case, and not a different one', async () => {
    const tag = uniqueLetters();
    const a = await createValidCustomer(t, { givenName: 'Mail', familyName: 'One', emailAddress: `Same.${tag}@Example.com` });
    const b = await createValidCustomer(t, { givenName: 'Mail', familyName: 'Two', emailAddress: `same.${tag}@example.COM` });
    const c = await createValidCustomer(t, { givenName: 'Mail', familyName: 'Three', emailAddress: `same.${tag}x@example.com` });
    expect(await duplicatesOf(t, a.id)).toEqual([b.id]);
    expect(await duplicatesOf(t, b.id)).toEqual([a.id]);
    expect(await duplicatesOf(t, c.id)).toEqual([]);
  });

  it('finds the same phone number written another way, and not a different one', async () => {
    const a = await createValidCustomer(t, { givenName: 'Phone', familyName: 'One', phoneNumber: '+49 30 7262199 41' });
    const b = await createValidCustomer(t, { givenName: 'Phone', familyName: 'Two', phoneNumber: '+49 (30) 726-219941' });
    const c = await createValidCustomer(t, { givenName: 'Phone', familyName: 'Three', phoneNumber: '+49 30 726219942' });
    expect(await duplicatesOf(t, a.id)).toContain(b.id);
    expect(await duplicatesOf(t, a.id)).not.toContain(c.id);
    expect(await duplicatesOf(t, a.id)).not.toContain(a.id);
  });

  it('finds a shared channel value, once however many values are shared', async () => {
    const tag = uniqueLetters();
    const a = await createValidCustomer(t, {
      givenName: 'Chan',
      familyName: 'One',
      channels: [
        { type: 'TWITTER', value: `@shared${tag}` },
        { type: 'OTHER', value: `other${tag}` },
      ],
    });
    const b = await createValidCustomer(t, { givenName: 'Chan', familyName: 'Two' });
    expect(await duplicatesOf(t, a.id)).toEqual([]);
    await addChannel(t, b.id, { type: 'TWITTER', value: `@shared${tag}` });
    await addChannel(t, b.id, { type: 'OTHER', value: `other${tag}` });
    expect(await duplicatesOf(t, a.id)).toEqual([b.id]);
  });

  it('leaves out deleted customers, and answers in id order up to `first` (default 10, at most 50)', async () => {
    const tag = uniqueLetters();
    const customers = await seedCustomers(
      t,
      Array.from({ length: 60 }, (_, index) => ({
        externalId: `d-${tag}-${index}`,
        givenName: 'Many',
        familyName: tag,
        emailAddress: `many.${tag}@example.com`,
      })),
    );
    const [first, deleted, ...rest] = customers as [CustomerView, CustomerView, ...CustomerView[]];
    await deleteCustomer(t, deleted.id);
    const expected = rest.map((customer) => customer.id).sort();
    expect(await duplicatesOf(t, first.id)).toEqual(expected.slice(0, 10));
    expect(await duplicatesOf(t, first.id, 3)).toEqual(expected.slice(0, 3));
    expect(await duplicatesOf(t, first.id, 500)).toEqual(expected.slice(0, 50));
    expect(await duplicatesOf(t, first.id, 500)).not.toContain(deleted.id);
  });

  it('refuses first < 1 with BAD_USER_INPUT', async () => {
    const a = await createValidCustomer(t, { givenName: 'Zero', familyName: 'First' });
    const error = onlyErrorOf(await t.graphql(DUPLICATES, { id: a.id, first: 0 }));
    expect(error.code).toBe('BAD_USER_INPUT');
  });

  it('costs the same statements for a page of 5 customers as for a page of 40', async () => {
    const tag = uniqueLetters();
    const inputs = Array.from({ length: 40 }, (_, index) => ({
      externalId: `b-${tag}-${index}`,
      givenName: 'Batch',
      familyName: tag,
      emailAddress: `batch${index % 4}.${tag}@example.com`,
      phoneNumber: `+4930726219${String(index % 5).padStart(3, '0')}`,
    }));
    const customers = await seedCustomers(t, inputs);
    await addChannel(t, customers[0]!.id, { type: 'OTHER', value: `chan${tag}` });
    await addChannel(t, customers[39]!.id, { type: 'OTHER', value: `chan${tag}` });
    const page = (first: number) =>
      t.countStatements(() =>
        t.graphql<{ customers: { nodes: Array<{ id: string; possibleDuplicates: Array<{ id: string }> }> } }>(
          `query ($first: Int, $name: String) { customers(first: $first, filter: { search: $name }) { nodes { id possibleDuplicates(first: 50) { id } } } }`,
          { first, name: tag },
        ),
      );
    const small = await page(5);
    const large = await page(40);
    expect(large.result.errors).toBeUndefined();
    expect(large.count).toBe(small.count);
    const byId = new Map(large.result.data!.customers.nodes.map((node) => [node.id, node.possibleDuplicates.map((dup) => dup.id)]));
    // Same e-mail (index % 4) or same phone (index % 5), and the shared channel of the first and last.
    const expected = (index: number) =>
      customers
        .map((customer, other) => ({ id: customer.id, other }))
        .filter(
          ({ other }) => other !== index && (other % 4 === index % 4 || other % 5 === index % 5 || (index % 39 === 0 && other % 39 === 0)),
        )
        .map(({ id }) => id)
        .sort();
    customers.forEach((customer, index) => expect(byId.get(customer.id)).toEqual(expected(index)));
  });
});

import { gql } from '../helpers/customer-api';
import { padIndex, SeededCustomer, seedCustomersWithParts } from '../helpers/fixtures';

import { describeDb, startTestServer, TestServer } from '../helpers/test-server';

// Jest reads testTimeout from the root config only, not per project: without this, a busy machine hits the 5 s default while MariaDB creates and migrates the test database.
jest.setTimeout(60_000);

interface NestedCustomer {
  id: string;
  channels: Array<{ value: string }>;
  flags: { totalCount: number; nodes: Array<{ name: string }> };
  activities: { totalCount: number; nodes: Array<{ type: string }> };
}

const NESTED_LIST = /* GraphQL */ `
  query ($first: Int!, $name: String!) {
    customers(first: $first, filter: { name: $name }) {
      nodes {
        id
        channels {
          value
        }
        flags(first: 5) {
          totalCount
          nodes {
            name
          }
        }
        activities(first: 3) {
          totalCount
          nodes {
            type
          }
        }
      }
    }
  }
`;

function expectEachCustomerHasItsOwnRows(nodes: NestedCustomer[], seeded: SeededCustomer[]): void {
  expect(nodes.map((node) => node.id)).toEqual(seeded.map((customer) => customer.id));
  nodes.forEach((node, i) => {
    const own = seeded[i]!;
    expect(node.channels.map((channel) => channel.value)).toEqual(own.channels);
    expect(node.flags).toEqual({ totalCount: 5, nodes: own.flags.map((name) => ({ name })) });
    expect(node.activities).toEqual({ totalCount: 4, nodes: own.activityTypes.map((type) => ({ type })) });
  });
}

describeDb('nested connections in a list of customers', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer();
  });

  afterAll(async () => {
    await t?.close();
  });

  it('issues the same few statements for 10 and for 100 customers, each with its own channels, flags and activities', async () => {
    const counts: number[] = [];
    for (const size of [10, 100]) {
      const { familyName, customers } = await seedCustomersWithParts(t, size);
      const { result, count, statements } = await t.countStatements(() =>
        gql<{ customers: { nodes: NestedCustomer[] } }>(t, NESTED_LIST, { first: size, name: familyName }),
      );
      expectEachCustomerHasItsOwnRows(result.customers.nodes, customers);
      // On failure, the statements show which field read per customer.
      expect(count <= 7 ? [] : statements).toEqual([]);
      counts.push(count);
    }
    expect(counts[1]).toBe(counts[0]);
  });

  it('answers one customer asked with two argument sets under aliases, each with its own result', async () => {
    const { familyName, customers } = await seedCustomersWithParts(t, 3);
    const { result, count } = await t.countStatements(() =>
      gql<{
        customers: {
          nodes: Array<{
            id: string;
            a: { totalCount: number; nodes: Array<{ type: string }> };
            b: { totalCount: number; nodes: Array<{ type: string; origin: string }> };
          }>;
        };
      }>(
        t,
        `query($name: String!) {
          customers(first: 10, filter: { name: $name }) {
            nodes {
              id
              a: activities(first: 1) { totalCount nodes { type } }
              b: activities(first: 2, filter: { origin: SYSTEM }) { totalCount nodes { type origin } }
            }
          }
        }`,
        { name: familyName },
      ),
    );
    expect(result.customers.nodes).toEqual(
      customers.map((customer) => ({
        id: customer.id,
        a: { totalCount: 4, nodes: [{ type: 'customer.created' }] },
        b: { totalCount: 1, nodes: [{ type: 'customer.created', origin: 'SYSTEM' }] },
      })),
    );
    // The customers page, then a page and a count per argument set.
    expect(count).toBe(5);
  });

  it('keeps argument sets apart under aliases with paging and type filters', async () => {
    const { familyName, customers } = await seedCustomersWithParts(t, 4);
    const data = await gql<{
      customers: {
        nodes: Array<{
          id: string;
          older: { nodes: Array<{ type: string }> };
          own: { totalCount: number; nodes: Array<{ type: string }> };
          firstFlags: { nodes: Array<{ name: string }> };
          allFlags: { nodes: Array<{ name: string }> };
        }>;
      };
    }>(
      t,
      `query($name: String!, $types: [String!]) {
        customers(first: 10, filter: { name: $name }) {
          nodes {
            id
            older: activities(last: 2) { nodes { type } }
            own: activities(first: 5, filter: { types: $types }) { totalCount nodes { type } }
            firstFlags: flags(first: 1) { nodes { name } }
            allFlags: flags { nodes { name } }
          }
        }
      }`,
      { name: familyName, types: ['seen.001.0', 'seen.001.2'] },
    );
    data.customers.nodes.forEach((node, i) => {
      const own = customers[i]!;
      expect(node.id).toBe(own.id);
      expect(node.older.nodes).toEqual([{ type: `seen.${padIndex(i)}.1` }, { type: `seen.${padIndex(i)}.0` }]);
      expect(node.own).toEqual(
        i === 1 ? { totalCount: 2, nodes: [{ type: 'seen.001.2' }, { type: 'seen.001.0' }] } : { totalCount: 0, nodes: [] },
      );
      expect(node.firstFlags.nodes).toEqual([{ name: own.flags[0] }]);
      expect(node.allFlags.nodes.map((flag) => flag.name)).toEqual(own.flags);
    });
  });
});

import { ABSENT_CUSTOMER_ID } from '../helpers/ids';
import { readFileSync } from 'node:fs';
import { parse, visit } from 'graphql';
import { DEVELOPMENT_CALLER } from '../../src/http/development-caller';
import { RequestContext } from '../../src/api/context';
import { Caller } from '../../src/core/caller';
import { createLoaders } from '../../src/api/loaders';
import { resolveCustomerReference } from '../../src/api/customer/customer.reference';
import { describeDb, startTestServer, TestServer } from '../helpers/test-server';
import { COMMITTED_SCHEMA_FILE } from '../../src/scripts/committed-schema-file';

const COMMITTED_SDL = readFileSync(COMMITTED_SCHEMA_FILE, 'utf8');

interface EntityCustomer {
  __typename: 'Customer';
  id: string;
  name: string;
  emailAddress: string | null;
  deletedAt: string | null;
}

const ENTITIES = /* GraphQL */ `
  query Entities($representations: [_Any!]!) {
    _entities(representations: $representations) {
      ... on Customer {
        __typename
        id
        name
        emailAddress
        deletedAt
      }
    }
  }
`;

/** 0 → "a", 25 → "z", 26 → "ba": names may hold letters only. */
function letters(n: number): string {
  return n.toString(26).replace(/./g, (digit) => String.fromCharCode(97 + parseInt(digit, 26)));
}

async function createCustomers(t: TestServer, count: number, prefix: string): Promise<string[]> {
  const inputs = Array.from({ length: count }, (_, i) => ({
    externalId: `${prefix}-${i}`,
    givenName: `Given${letters(i)}`,
    familyName: prefix,
    emailAddress: `${prefix}.${i}@example.com`,
  }));
  const response = await t.graphql<{ upsertCustomers: { results: Array<{ customer: { id: string } | null; userErrors: unknown[] }> } }>(
    `mutation Seed($inputs: [UpsertCustomerInput!]!) {
      upsertCustomers(inputs: $inputs) { results { customer { id } userErrors { message } } userErrors { message } }
    }`,
    { inputs },
  );
  expect(response.errors).toBeUndefined();
  expect(response.data!.upsertCustomers.results.flatMap((result) => result.userErrors)).toEqual([]);
  const ids = response.data!.upsertCustomers.results.map((result) => result.customer?.id);
  expect(ids.every((id) => typeof id === 'string')).toBe(true);
  return ids as string[];
}

function representations(ids: string[]): Array<{ __typename: 'Customer'; id: string }> {
  return ids.map((id) => ({ __typename: 'Customer', id }));
}

describeDb('Federation', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer();
  });

  afterAll(async () => {
    await t?.close();
  });

  describe('_service { sdl }', () => {
    let sdl: string;

    beforeAll(async () => {
      const response = await t.graphql<{ _service: { sdl: string } }>('{ _service { sdl } }');
      expect(response.errors).toBeUndefined();
      sdl = response.data!._service.sdl;
    });

    it('is the committed src/schema/schema.graphql (run `npm run schema` after changing the schema)', () => {
      expect(sdl.trim()).toBe(COMMITTED_SDL.trim());
    });

    it('links Federation 2 importing exactly @key, @shareable, @authenticated and @requiresScopes', () => {
      const links: Array<{ url: string; imports: string[] }> = [];
      visit(parse(sdl), {
        Directive(node) {
          if (node.name.value !== 'link') return;
          const url = node.arguments?.find((argument) => argument.name.value === 'url')?.value;
          const imported = node.arguments?.find((argument) => argument.name.value === 'import')?.value;
          links.push({
            url: url?.kind === 'StringValue' ? url.value : '?',
            imports:
              imported?.kind === 'ListValue' ? imported.values.map((value) => (value.kind === 'StringValue' ? value.value : '?')) : [],
          });
        },
      });
      const federation = links.filter((link) => link.url.startsWith('https://specs.apollo.dev/federation/'));
      expect(federation).toHaveLength(1);
      expect(federation[0].url).toMatch(/\/federation\/v2\.\d+$/);
      expect([...federation[0].imports].sort()).toEqual(['@authenticated', '@key', '@requiresScopes', '@shareable']);
      // The only other link is the link spec itself, which imports nothing.
      expect(links.filter((link) => !federation.includes(link))).toEqual([{ url: 'https://specs.apollo.dev/link/v1.0', imports: [] }]);
    });

    it('uses each imported directive where the contract puts it', () => {
      expect(sdl).toMatch(/type Customer\s+@key\(fields: "id"\)/);
      expect(sdl).toMatch(/type PageInfo\s+@shareable/);
      expect(sdl).toMatch(/customer\([^)]*\): Customer @requiresScopes\(scopes: \[\["customer:read"\]\]\) @authenticated/);
      expect(sdl).toContain('@requiresScopes(scopes: [["customer:write"]])');
      for (const type of ['Customer', 'CustomerChannel', 'CustomerFlag', 'CustomerActivity']) {
        const definition = new RegExp(`\\ntype ${type}\\s([^{]*)\\{`).exec(sdl);
        expect(definition?.[1]).toContain('@requiresScopes(scopes: [["customer:read"]])');
        expect(definition?.[1]).toContain('@authenticated');
      }
    });
  });

  describe('_entities', () => {
    it('resolves representations in the order given, with null for unknown ids', async () => {
      const [a, b, c] = await createCustomers(t, 3, 'order');
      const response = await t.graphql<{ _entities: Array<EntityCustomer | null> }>(ENTITIES, {
        representations: representations([c, ABSENT_CUSTOMER_ID, a, b, a]),
      });
      expect(response.errors).toBeUndefined();
      expect(response.data!._entities.map((entity) => entity?.id ?? null)).toEqual([c, null, a, b, a]);
      expect(response.data!._entities[0]).toEqual({
        __typename: 'Customer',
        id: c,
        name: 'Givenc order',
        emailAddress: 'order.2@example.com',
        deletedAt: null,
      });
    });

    it('resolves soft-deleted customers with deletedAt set, so other subgraphs keep their customer', async () => {
      const [kept, deleted] = await createCustomers(t, 2, 'soft');
      const deletion = await t.graphql<{ deleteCustomer: { deletedCustomerId: string | null; userErrors: unknown[] } }>(
        'mutation Delete($id: ID!) { deleteCustomer(id: $id) { deletedCustomerId userErrors { message } } }',
        { id: deleted },
      );
      expect(deletion.data?.deleteCustomer).toEqual({ deletedCustomerId: deleted, userErrors: [] });

      const response = await t.graphql<{ _entities: Array<EntityCustomer | null> }>(ENTITIES, {
        representations: representations([deleted, kept]),
      });
      expect(response.errors).toBeUndefined();
      const [deletedEntity, keptEntity] = response.data!._entities;
      expect(deletedEntity).toMatchObject({ id: deleted, name: 'Givenb soft' });
      expect(Number.isNaN(Date.parse(deletedEntity!.deletedAt ?? ''))).toBe(false);
      expect(keptEntity).toMatchObject({ id: kept, deletedAt: null });
    });

    it('resolves 100 representations with one SQL statement', async () => {
      const ids = await createCustomers(t, 100, 'batch');
      const { result, count, statements } = await t.countStatements(() =>
        t.graphql<{ _entities: Array<EntityCustomer | null> }>(ENTITIES, { representations: representations([...ids].reverse()) }),
      );
      expect(result.errors).toBeUndefined();
      expect(result.data!._entities.map((entity) => entity?.id)).toEqual([...ids].reverse());
      expect(statements).toHaveLength(1);
      expect(count).toBe(1);
    });

    it("resolves another brand's customers to null", async () => {
      const [id] = await createCustomers(t, 1, 'brand');
      const { services } = t.server;
      const contextFor = (brand: string): RequestContext => {
        const caller: Caller = { ...DEVELOPMENT_CALLER, brand };
        return { caller, services, loaders: createLoaders(services, caller) };
      };

      const own = await resolveCustomerReference({ id }, contextFor(DEVELOPMENT_CALLER.brand));
      const other = await resolveCustomerReference({ id }, contextFor('other-brand'));
      expect(own?.id).toBe(id);
      expect(other).toBeNull();
    });
  });
});

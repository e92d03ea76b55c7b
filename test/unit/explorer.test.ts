import { parse, validate } from 'graphql';
import { ConfigError, loadConfig } from '../../src/config/config';
import { EXPLORER_EXAMPLES } from '../../src/http/explorer-examples';
import { withGraphiqlFallback } from '../../src/http/explorer-landing-page';
import { buildCustomerSchema } from '../../src/schema/build-schema';

describe('the Explorer example operations', () => {
  it('are valid operations of the served schema, with JSON variables', async () => {
    const schema = await buildCustomerSchema();
    for (const example of EXPLORER_EXAMPLES) {
      expect(validate(schema, parse(example.query)).map((error) => error.message)).toEqual([]);
      expect(() => JSON.parse(example.variables) as unknown).not.toThrow();
    }
  });

  it('list with paging, read one customer with nested data, create, and update with expectedVersion', () => {
    const [list, one, create, update] = EXPLORER_EXAMPLES.map((example) => example.query);
    expect(list).toMatch(/customers\(\s*first: \$first\s*after: \$after/);
    expect(list).toContain('endCursor');
    expect(one).toMatch(/customer\(id: \$id\)/);
    for (const nested of ['channels', 'flags(', 'activities(']) expect(one).toContain(nested);
    expect(create).toContain('createCustomer(input: $input)');
    expect(update).toContain('updateCustomer(input: $input)');
    expect(JSON.parse(EXPLORER_EXAMPLES[3]!.variables)).toMatchObject({ input: { expectedVersion: 1 } });
  });
});

describe('EXPLORER', () => {
  it('is Apollo Sandbox by default, or GraphiQL', () => {
    expect(loadConfig({}).explorer).toBe('sandbox');
    expect(loadConfig({ EXPLORER: 'graphiql' }).explorer).toBe('graphiql');
    expect(loadConfig({ EXPLORER: ' GraphiQL ' }).explorer).toBe('graphiql');
    expect(loadConfig({ EXPLORER: '' }).explorer).toBe('sandbox');
  });

  it('refuses anything else, naming the setting', () => {
    expect(() => loadConfig({ EXPLORER: 'playground' })).toThrow(ConfigError);
    expect(() => loadConfig({ EXPLORER: 'playground' })).toThrow(/EXPLORER must be one of sandbox, graphiql, got "playground"/);
  });
});

describe('withGraphiqlFallback', () => {
  it('leaves a page without Apollo Sandbox’s script as it is', () => {
    const page = '<!doctype html><script nonce="n" src="https://example.com/other.js"></script>';
    expect(withGraphiqlFallback(page)).toBe(page);
  });
});

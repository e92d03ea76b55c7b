import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, validate } from 'graphql';
import { ConfigError, loadConfig } from '../../src/core/config';
import { CSRF_REFUSAL_MESSAGE } from '../../src/api/csrf-refusal';
import { EXPLORER_EXAMPLES } from '../../src/http/explorer-examples';
import { withGraphiqlFallback } from '../../src/api/plugins/explorer-landing-page.plugin';
import { buildCustomerSchema } from '../../src/api/schema';

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
    expect(withGraphiqlFallback(page, '/graphiql')).toBe(page);
  });
});

describe('the README section the CSRF refusal points to', () => {
  const root = join(__dirname, '..', '..');
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Try it'), readme.indexOf('\n## ', readme.indexOf('## Try it') + 1));

  it('exists, with the curl line for a GET, the token to paste and the screenshot', () => {
    expect(CSRF_REFUSAL_MESSAGE).toContain('"Try it" in the README');
    expect(section).toMatch(/^## Try it/);
    expect(section).toContain("curl -G http://localhost:4001/graphql -H 'apollo-require-preflight: true'");
    expect(section).toContain('Bearer <paste a token here>');
    const image = /!\[[^\]]*\]\(([^)]+\.png)\)/.exec(section)?.[1];
    expect(image).toBeDefined();
    expect(existsSync(join(root, image!))).toBe(true);
  });

  it('names every example operation', () => {
    for (const example of EXPLORER_EXAMPLES) expect(section).toContain(`\`${/(?:query|mutation) (\w+)/.exec(example.query)![1]}\``);
  });
});

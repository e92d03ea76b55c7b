import { readFileSync } from 'node:fs';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { stripAuthorizationDirectives } from '../../src/api/strip-authorization-directives';
import { COMMITTED_SCHEMA_FILE } from '../../src/scripts/committed-schema-file';

const COMMITTED = readFileSync(COMMITTED_SCHEMA_FILE, 'utf8');

describe('stripAuthorizationDirectives', () => {
  const stripped = stripAuthorizationDirectives(COMMITTED);

  it('removes @authenticated and @requiresScopes: uses, definitions and imports', () => {
    expect(COMMITTED).toContain('@authenticated');
    expect(stripped).not.toMatch(/@authenticated|@requiresScopes|@federation__policy/);
    expect(stripped).toContain('import: ["@key", "@shareable"]');
  });

  it('keeps everything else', () => {
    expect(stripped).toMatch(/type Customer\s+@key\(fields: "id"\)/);
    expect(stripped).toMatch(/type PageInfo\s+@shareable/);
    expect(stripped).toContain('emailAddress: String');
  });

  it('leaves a subgraph that composes, into a supergraph without the authorization features', () => {
    const result = composeServices([{ name: 'customers', url: 'http://customers:4001/graphql', typeDefs: parse(stripped) }]);
    expect(result.errors).toBeUndefined();
    expect(result.supergraphSdl).not.toContain('specs.apollo.dev/authenticated');
    expect(result.supergraphSdl).not.toContain('specs.apollo.dev/requiresScopes');
  });
});

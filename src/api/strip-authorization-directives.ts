import { ArgumentNode, Kind, parse, print, visit } from 'graphql';

const AUTHORIZATION_DIRECTIVES = ['authenticated', 'requiresScopes', 'policy'];
const NAMES = new Set(AUTHORIZATION_DIRECTIVES.flatMap((name) => [name, `federation__${name}`]));
const IMPORTS = new Set(AUTHORIZATION_DIRECTIVES.map((name) => `@${name}`));

/**
 * The subgraph SDL without `@authenticated`, `@requiresScopes` and `@policy`:
 * their uses, their definitions and their entries in the federation `@link`
 * import list.
 *
 * A supergraph that carries them is refused by `@apollo/gateway` (it cannot
 * enforce them) and by an Apollo Router that has no GraphOS license for
 * authorization. For those, compose this variant: the subgraph still checks
 * the token's scopes and brand itself, so nothing becomes reachable that was
 * not; the router just stops rejecting early.
 */
export function stripAuthorizationDirectives(sdl: string): string {
  const stripped = visit(parse(sdl), {
    Directive(node) {
      if (NAMES.has(node.name.value)) return null;
      if (node.name.value !== 'link') return undefined;
      const args = node.arguments?.map((argument): ArgumentNode => {
        if (argument.name.value !== 'import' || argument.value.kind !== Kind.LIST) return argument;
        const values = argument.value.values.filter((value) => !(value.kind === Kind.STRING && IMPORTS.has(value.value)));
        return { ...argument, value: { ...argument.value, values } };
      });
      return { ...node, arguments: args };
    },
    DirectiveDefinition(node) {
      return NAMES.has(node.name.value) ? null : undefined;
    },
  });
  return `${print(stripped)}\n`;
}

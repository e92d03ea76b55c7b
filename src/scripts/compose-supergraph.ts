import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { composeServices, CompositionResult } from '@apollo/composition';
import { parse } from 'graphql';
import { buildCustomerSchema, printCustomerSchema } from '../api/schema';
import { stripAuthorizationDirectives } from '../api/strip-authorization-directives';
import { runScript } from './run-script';

/**
 * `npm run supergraph [-- <sdl-file>=<name>@<url> ...] [--customers-url <url>]
 * [--out <file>] [--without-authorization-directives]`: composes this subgraph
 * (from the schema the code builds) with the other subgraphs' SDL files into
 * the supergraph schema the Apollo Router loads, the way `rover supergraph
 * compose` would.
 */

export const CUSTOMERS_SUBGRAPH_NAME = 'customers';
/** Where the router reaches this subgraph inside docker compose. */
export const DEFAULT_CUSTOMERS_URL = 'http://customers:4001/graphql';
export const DEFAULT_OUTPUT = 'supergraph.graphql';

const USAGE =
  'Usage: npm run supergraph [-- <other-subgraph.graphql>=<name>@<url> ...] [--customers-url <url>] [--out <file>] [--without-authorization-directives]';

export interface SubgraphSource {
  name: string;
  url: string;
  sdl: string;
}

export interface ComposeOptions {
  customersUrl: string;
  out: string;
  withoutAuthorizationDirectives: boolean;
  others: Array<{ file: string; name: string; url: string }>;
}

/** Reads `<file>=<name>@<url>`; the name may not contain "@", the URL may. */
export function parseSubgraphArgument(argument: string): { file: string; name: string; url: string } {
  const match = /^(.+?)=([A-Za-z][A-Za-z0-9_-]*)@(.+)$/.exec(argument);
  if (!match) throw new Error(`"${argument}" is not <sdl-file>=<name>@<url>. ${USAGE}`);
  const [, file, name, url] = match as unknown as [string, string, string, string];
  try {
    new URL(url);
  } catch {
    throw new Error(`"${url}" (subgraph ${name}) is not a URL.`);
  }
  return { file, name, url };
}

export function parseArguments(argv: readonly string[]): ComposeOptions {
  const options: ComposeOptions = {
    customersUrl: DEFAULT_CUSTOMERS_URL,
    out: DEFAULT_OUTPUT,
    withoutAuthorizationDirectives: false,
    others: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i]!;
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${argument} needs a value. ${USAGE}`);
      return next;
    };
    if (argument === '--customers-url') options.customersUrl = value();
    else if (argument === '--out') options.out = value();
    else if (argument === '--without-authorization-directives') options.withoutAuthorizationDirectives = true;
    else if (argument.startsWith('--')) throw new Error(`Unknown option ${argument}. ${USAGE}`);
    else options.others.push(parseSubgraphArgument(argument));
  }
  const names = [CUSTOMERS_SUBGRAPH_NAME, ...options.others.map((other) => other.name)];
  const duplicate = names.find((name, index) => names.indexOf(name) !== index);
  if (duplicate) throw new Error(`Two subgraphs are named "${duplicate}"; subgraph names must be unique.`);
  return options;
}

export function composeSupergraph(subgraphs: readonly SubgraphSource[]): CompositionResult {
  return composeServices(subgraphs.map(({ name, url, sdl }) => ({ name, url, typeDefs: parse(sdl) })));
}

/** True when a router needs a GraphOS license for authorization to load this supergraph. */
export function usesAuthorizationFeatures(supergraphSdl: string): boolean {
  return /specs\.apollo\.dev\/(authenticated|requiresScopes|policy)\//.test(supergraphSdl);
}

async function main(argv: readonly string[]): Promise<number> {
  const options = parseArguments(argv);
  const customersSdl = printCustomerSchema(await buildCustomerSchema());
  const subgraphs: SubgraphSource[] = [
    {
      name: CUSTOMERS_SUBGRAPH_NAME,
      url: options.customersUrl,
      sdl: options.withoutAuthorizationDirectives ? stripAuthorizationDirectives(customersSdl) : customersSdl,
    },
    ...options.others.map(({ file, name, url }) => ({ name, url, sdl: readFileSync(file, 'utf8') })),
  ];

  const result = composeSupergraph(subgraphs);
  for (const hint of result.hints ?? []) console.log(`hint ${hint.definition.code}: ${hint.message}`);
  if (result.errors) {
    console.error(`Composition failed with ${result.errors.length} error(s):`);
    for (const error of result.errors) console.error(`  - ${error.message}`);
    return 1;
  }

  const out = resolve(options.out);
  writeFileSync(out, result.supergraphSdl.endsWith('\n') ? result.supergraphSdl : `${result.supergraphSdl}\n`);
  console.log(`Wrote ${options.out}: ${subgraphs.map((subgraph) => `${subgraph.name} (${subgraph.url})`).join(', ')}`);
  if (usesAuthorizationFeatures(result.supergraphSdl)) {
    console.log(
      'Note: this supergraph uses @authenticated/@requiresScopes. An Apollo Router without a GraphOS license for\n' +
        'authorization refuses to load it; for such a router compose with --without-authorization-directives\n' +
        '(the subgraph still enforces scopes and brands itself).',
    );
  }
  return 0;
}

if (require.main === module) runScript(main);

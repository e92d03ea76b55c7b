import { GraphiQL, GraphiQLProps } from 'graphiql';
import 'graphiql/style.css';
import { createRoot } from 'react-dom/client';
import type { ExplorerPageConfig } from '../http/explorer-page-config';

/**
 * The self-hosted Explorer: GraphiQL with the documentation explorer, the
 * headers editor and this subgraph's example operations. Everything it needs is
 * in this bundle and its stylesheet (fonts and icons inlined), so it works
 * without a network beyond the subgraph itself.
 */

type Fetcher = GraphiQLProps['fetcher'];

function readConfig(): ExplorerPageConfig {
  const text = document.getElementById('explorer-config')?.textContent;
  if (!text) throw new Error('The page carries no Explorer configuration.');
  return JSON.parse(text) as ExplorerPageConfig;
}

const config = readConfig();

/**
 * Until a token is pasted, the placeholder is left out rather than sent as a malformed token: the schema
 * still loads (introspection needs no token), and operations answer UNAUTHENTICATED, which says what is missing.
 */
function withoutPlaceholder(headers: Record<string, unknown> = {}): Record<string, unknown> {
  const placeholder = config.tokenPlaceholder;
  if (placeholder === null) return headers;
  return Object.fromEntries(
    Object.entries(headers).filter(
      ([name, value]) => !(name.toLowerCase() === 'authorization' && typeof value === 'string' && value.includes(placeholder)),
    ),
  );
}

/** POSTs as JSON, so CSRF prevention lets it through; an answer that is not JSON is shown as an error, not swallowed. */
const fetcher: Fetcher = async (params, options) => {
  const response = await fetch(config.endpoint, {
    method: 'POST',
    headers: {
      accept: 'application/graphql-response+json, application/json',
      ...withoutPlaceholder(options?.headers),
      'content-type': 'application/json',
    },
    body: JSON.stringify(params),
    credentials: 'same-origin',
  });
  const text = await response.text();
  try {
    return JSON.parse(text) as Awaited<ReturnType<Fetcher>>;
  } catch {
    return { errors: [{ message: `HTTP ${response.status} ${response.statusText}: ${text.slice(0, 500)}` }] } as Awaited<
      ReturnType<Fetcher>
    >;
  }
};

/** GraphiQL keeps its tabs here; once it has some, `defaultTabs` no longer applies. */
function hasStoredTabs(): boolean {
  try {
    return window.localStorage.getItem('graphiql:tabState') !== null;
  } catch {
    return false;
  }
}

/** `?query=…&variables=…`, as in a GraphQL GET, opens that operation instead of the examples. */
const requested = new URLSearchParams(window.location.search);
const query = requested.get('query');
const examples = config.examples.map((example) => ({ ...example, headers: config.headers }));
const tabs = query === null ? examples : [{ query, variables: requested.get('variables') ?? undefined, headers: config.headers }];
// GraphiQL 4 fills the editors from the `query`/`variables` props, not from the first default tab (whose
// variables would stay empty), so the first tab is passed again on a first visit. Given on a later visit,
// the props open a tab of their own, which is right for `?query=` only.
const opening = query !== null || !hasStoredTabs() ? { query: tabs[0]!.query, variables: tabs[0]!.variables } : {};

const root = document.getElementById('graphiql');
if (!root) throw new Error('The page has no #graphiql element.');
createRoot(root).render(
  <GraphiQL
    fetcher={fetcher}
    defaultTabs={tabs}
    {...opening}
    defaultHeaders={config.headers}
    defaultEditorToolsVisibility={config.headers.trim() === '{}' ? 'variables' : 'headers'}
    shouldPersistHeaders={false}
  />,
);

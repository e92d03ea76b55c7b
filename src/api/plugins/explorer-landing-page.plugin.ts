import { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { ExplorerChoice } from '../../core/config';

/**
 * How long Sandbox's script may take to arrive before the page gives up on it.
 * A network that drops packets instead of refusing them would otherwise leave
 * a blank page until the browser's own timeout, minutes later.
 */
export const SANDBOX_LOAD_TIMEOUT_MS = 8_000;

/** Apollo's embedded Sandbox script, the one line of its landing page that needs the internet. */
const SANDBOX_SCRIPT = /<script nonce="([^"]+)" src="https:\/\/embeddable-sandbox\.cdn\.apollographql\.com\/[^"]*"><\/script>/;
const OFFLINE_NOTICE = /<p>Apollo Sandbox cannot be loaded;[^<]*<\/p>/;

/**
 * Apollo's Sandbox landing page with a way out: when its script fails to load
 * (offline, blocked by a proxy) or has not arrived after SANDBOX_LOAD_TIMEOUT_MS,
 * the page moves to `/graphiql`, keeping `?query=…`. The added scripts carry
 * the page's own CSP nonce. Returns the page unchanged if Apollo's markup ever
 * stops matching (a test pins it).
 */
export function withGraphiqlFallback(html: string, graphiqlPath: string): string {
  const script = SANDBOX_SCRIPT.exec(html);
  if (!script) return html;
  const nonce = script[1]!;
  const target = JSON.stringify(graphiqlPath);
  const arm = `<script nonce="${nonce}">
  window.__toGraphiql = function () {
    if (!window.EmbeddedSandbox) window.location.replace(${target} + window.location.search);
  };
  window.setTimeout(window.__toGraphiql, ${SANDBOX_LOAD_TIMEOUT_MS});
</script>`;
  const check = `<script nonce="${nonce}">window.__toGraphiql();</script>`;
  return html
    .replace(
      OFFLINE_NOTICE,
      `<p>Apollo Sandbox cannot be loaded; it appears that you might be offline. Opening <a href="${graphiqlPath}">GraphiQL</a>, which this subgraph serves itself…</p>`,
    )
    .replace(script[0], `${arm}\n${script[0]}\n${check}`);
}

/** Sandbox, as Apollo renders it outside production, falling back to GraphiQL. */
function sandboxWithFallback(graphiqlPath: string): ApolloServerPlugin {
  const sandbox = ApolloServerPluginLandingPageLocalDefault({ embed: true });
  return {
    async serverWillStart(service) {
      const listener = await sandbox.serverWillStart?.(service);
      const render = listener?.renderLandingPage;
      if (!render) return;
      return {
        async renderLandingPage() {
          const page = await render();
          return { html: async () => withGraphiqlFallback(typeof page.html === 'string' ? page.html : await page.html(), graphiqlPath) };
        },
      };
    },
  };
}

/** GraphiQL itself as the landing page (EXPLORER=graphiql). */
function graphiqlLandingPage(renderGraphiql: () => string): ApolloServerPlugin {
  return {
    async serverWillStart() {
      return {
        async renderLandingPage() {
          return { html: async () => renderGraphiql() };
        },
      };
    },
  };
}

export interface ExplorerLandingPageOptions {
  explorer: ExplorerChoice;
  /** Whether the subgraph serves GraphiQL at all (where introspection is on). */
  graphiqlEnabled: boolean;
  production: boolean;
  /** Where the HTTP edge serves GraphiQL. */
  graphiqlPath: string;
  /** The GraphiQL page, rendered by the HTTP edge. */
  renderGraphiql: () => string;
}

/**
 * The landing page plugin for `/graphql`, or none to keep Apollo's default.
 * Without GraphiQL (production without ENABLE_INTROSPECTION) nothing changes;
 * in production Apollo's own production page stays unless EXPLORER=graphiql.
 */
export function explorerLandingPage(options: ExplorerLandingPageOptions): ApolloServerPlugin[] {
  if (!options.graphiqlEnabled) return [];
  if (options.explorer === 'graphiql') return [graphiqlLandingPage(options.renderGraphiql)];
  return options.production ? [] : [sandboxWithFallback(options.graphiqlPath)];
}

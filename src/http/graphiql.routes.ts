import express, { Router } from 'express';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { EXPLORER_EXAMPLES } from './explorer-examples';
import { ExplorerPageConfig } from './explorer-page-config';

/** Where `npm run build` puts the bundle (the same path from src/http and dist/http), and the files it holds. */
export const EXPLORER_BUNDLE_DIR = join(__dirname, '..', '..', 'dist', 'graphiql');
export const EXPLORER_SCRIPT = 'graphiql.js';
export const EXPLORER_STYLESHEET = 'graphiql.css';

/** Where the page lives, and where its bundle is served from. */
export const GRAPHIQL_PATH = '/graphiql';
const ASSETS_PATH = `${GRAPHIQL_PATH}/assets`;

/**
 * The page may load code, styles, fonts and images from this origin only, and
 * talk to nothing else: the Explorer must work where nothing else answers, and
 * it never leaks a pasted token to another host. Inline styles are allowed
 * because CodeMirror and GraphiQL position their widgets with them.
 */
const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self' data:",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
];
/** Sent as a header by `/graphiql`; the page repeats it in a meta tag for when it is the `/graphql` landing page. */
export const GRAPHIQL_CSP = [...PAGE_CSP, "frame-ancestors 'self'"].join('; ');

export interface GraphiqlOptions {
  /** Same-origin path of the GraphQL endpoint. */
  endpoint: string;
  /** Whether callers must send a bearer token: the headers editor then starts with a placeholder for it. */
  tokenRequired: boolean;
  /** The built bundle (`npm run build` writes dist/graphiql). */
  bundleDir?: string;
}

/** What the headers editor shows where the token goes, when callers need one. */
export const TOKEN_PLACEHOLDER = '<paste a token here>';

export const NOT_BUILT = 'The Explorer is not built: run `npm run build` (npm start does) and reload.';

/** Whether the bundle is there to serve. */
export function graphiqlBuilt(options: GraphiqlOptions): boolean {
  return existsSync(join(options.bundleDir ?? EXPLORER_BUNDLE_DIR, EXPLORER_SCRIPT));
}

/** The page for the `/graphql` landing page: GraphiQL, or what to do when it is not built. */
export function graphiqlLandingHtml(options: GraphiqlOptions): string {
  return graphiqlBuilt(options) ? graphiqlHtml(options) : `<!doctype html><p>${NOT_BUILT}</p>`;
}

/** `<`, `>` and `&` escaped, so JSON inside `<script>` cannot end the element or start a comment. */
function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

/** The GraphiQL page (the same at `/graphiql` and as the `/graphql` landing page). */
export function graphiqlHtml(options: GraphiqlOptions): string {
  const tokenPlaceholder = options.tokenRequired ? TOKEN_PLACEHOLDER : null;
  const config: ExplorerPageConfig = {
    endpoint: options.endpoint,
    examples: EXPLORER_EXAMPLES,
    headers: tokenPlaceholder ? JSON.stringify({ Authorization: `Bearer ${tokenPlaceholder}` }, null, 2) : '{}',
    tokenPlaceholder,
  };
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta http-equiv="Content-Security-Policy" content="${PAGE_CSP.join('; ')}" />
    <title>Customer subgraph · GraphiQL</title>
    <link rel="icon" href="data:," />
    <link rel="stylesheet" href="${ASSETS_PATH}/${EXPLORER_STYLESHEET}" />
    <style>
      html, body, #graphiql { height: 100%; margin: 0; }
    </style>
  </head>
  <body>
    <div id="graphiql"><noscript>GraphiQL needs JavaScript.</noscript></div>
    <script id="explorer-config" type="application/json">${scriptSafeJson(config)}</script>
    <script src="${ASSETS_PATH}/${EXPLORER_SCRIPT}"></script>
  </body>
</html>
`;
}

/**
 * `/graphiql`: the self-hosted Explorer and its bundle. When the bundle has not
 * been built (the service was compiled without `npm run build`), the page says
 * so instead of rendering a blank screen.
 */
export function graphiqlRoutes(options: GraphiqlOptions): Router {
  const bundleDir = options.bundleDir ?? EXPLORER_BUNDLE_DIR;
  const router = Router();
  router.get(GRAPHIQL_PATH, (_req, res) => {
    if (!graphiqlBuilt(options)) {
      res.status(503).type('text/plain').send(`${NOT_BUILT}\n`);
      return;
    }
    res
      .set('content-security-policy', GRAPHIQL_CSP)
      .set('cache-control', 'no-store')
      .set('x-content-type-options', 'nosniff')
      .set('referrer-policy', 'no-referrer')
      .type('html')
      .send(graphiqlHtml(options));
  });
  // Revalidated on every load (ETag), so a rebuilt bundle is picked up at once.
  router.use(ASSETS_PATH, express.static(bundleDir, { index: false, redirect: false, maxAge: 0 }));
  return router;
}

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CSRF_REFUSAL_MESSAGE } from '../../src/api/csrf-refusal';
import { ExplorerPageConfig } from '../../src/http/explorer-page-config';
import { buildTestExplorer } from '../helpers/explorer';
import { describeDb, startTestServer, TestServer } from '../helpers/test-server';
import { TEST_JWT_SECRET } from '../helpers/tokens';

/** What production needs to start at all. */
const PRODUCTION = { NODE_ENV: 'production', AUTH_JWT_SECRET: TEST_JWT_SECRET, CURSOR_SECRET: 'explorer-test-cursor-secret' };

let bundle: Awaited<ReturnType<typeof buildTestExplorer>>;

beforeAll(async () => {
  bundle = await buildTestExplorer();
});

afterAll(() => bundle?.remove());

function originOf(server: TestServer): string {
  return new URL(server.server.url).origin;
}

async function withServer<T>(
  env: Record<string, string>,
  work: (server: TestServer, origin: string) => Promise<T>,
  bundleDir = bundle.dir,
) {
  const server = await startTestServer(env, { explorerBundleDir: bundleDir });
  try {
    return await work(server, originOf(server));
  } finally {
    await server.close();
  }
}

/** What a browser sends when it navigates to a page. */
const NAVIGATION = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

/** Every URL the markup makes a browser load: script and image sources, stylesheets and icons. */
function referencedUrls(html: string): string[] {
  return [...html.matchAll(/<(?:script|link|img|iframe)\b[^>]*?\s(?:src|href)="([^"]*)"/g)].map((match) => match[1]!);
}

function pageConfig(html: string): ExplorerPageConfig {
  const json = /<script id="explorer-config" type="application\/json">([^<]*)<\/script>/.exec(html)?.[1];
  if (json === undefined) throw new Error('no Explorer configuration in the page');
  return JSON.parse(json) as ExplorerPageConfig;
}

describeDb('GET /graphiql', () => {
  let server: TestServer;
  let origin: string;

  beforeAll(async () => {
    server = await startTestServer({}, { explorerBundleDir: bundle.dir });
    origin = originOf(server);
  });

  afterAll(() => server?.close());

  it('serves the page with a policy that lets it load and call this origin only', async () => {
    const response = await fetch(`${origin}/graphiql`, { headers: NAVIGATION });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = response.headers.get('content-security-policy') ?? '';
    const directives = Object.fromEntries(
      csp.split(';').map(
        (directive) =>
          directive
            .trim()
            .split(/\s+/)
            .map((part, i, all) => (i === 0 ? part : all.slice(1))) as [string, string[]],
      ),
    );
    expect(directives).toMatchObject({
      'default-src': ["'none'"],
      'script-src': ["'self'"],
      'connect-src': ["'self'"],
      'font-src': ["'self'", 'data:'],
      'img-src': ["'self'", 'data:'],
    });
    for (const sources of Object.values(directives)) {
      for (const source of sources) expect(["'self'", "'none'", "'unsafe-inline'", 'data:']).toContain(source);
    }
  });

  it('references only same-origin assets, and the bundle pulls in nothing from elsewhere', async () => {
    const html = await (await fetch(`${origin}/graphiql`)).text();
    const urls = referencedUrls(html);
    expect(urls).toEqual(expect.arrayContaining(['/graphiql/assets/graphiql.js', '/graphiql/assets/graphiql.css']));
    for (const url of urls) {
      expect(url.startsWith('data:') || new URL(url, origin).origin === origin).toBe(true);
      if (!url.startsWith('data:')) expect((await fetch(new URL(url, origin))).status).toBe(200);
    }
    expect(pageConfig(html).endpoint).toBe('/graphql');

    // Fonts and images are inlined; no @import and no url() that leaves the stylesheet.
    const css = await (await fetch(`${origin}/graphiql/assets/graphiql.css`)).text();
    expect(css).not.toMatch(/@import/);
    const cssUrls = [...css.matchAll(/url\(\s*["']?([^"')]*)/g)].map((match) => match[1]!);
    expect(cssUrls.length).toBeGreaterThan(0);
    expect(cssUrls.filter((url) => !url.startsWith('data:') && !url.startsWith('#'))).toEqual([]);

    // The script loads no other script: no dynamic import and no script element with a remote source.
    const js = await (await fetch(`${origin}/graphiql/assets/graphiql.js`)).text();
    expect(js).not.toMatch(/import\(\s*["'`]https?:/);
    expect(js).not.toMatch(/(?:fonts\.googleapis|unpkg\.com|jsdelivr|cdn\.apollographql)/);
  });

  it('serves the exact files of the bundle', async () => {
    const js = await fetch(`${origin}/graphiql/assets/graphiql.js`);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect(await js.text()).toBe(readFileSync(join(bundle.dir, 'graphiql.js'), 'utf8'));
    expect((await fetch(`${origin}/graphiql/assets/nothing-here.js`)).status).toBe(404);
    expect((await fetch(`${origin}/graphiql/assets/..%2F..%2Fpackage.json`)).status).toBe(404);
  });

  it('opens with the example operations, and the headers editor empty when no token is needed', async () => {
    const config = pageConfig(await (await fetch(`${origin}/graphiql`)).text());
    expect(config.examples.map((example) => /(?:query|mutation) (\w+)/.exec(example.query)?.[1])).toEqual([
      'ListCustomers',
      'OneCustomer',
      'CreateCustomer',
      'UpdateCustomer',
    ]);
    expect(config.headers).toBe('{}');
    expect(config.tokenPlaceholder).toBeNull();
  });

  it('starts the headers editor with a place for the bearer token when tokens are required', async () => {
    await withServer({ AUTH_JWT_SECRET: TEST_JWT_SECRET }, async (_server, jwtOrigin) => {
      const config = pageConfig(await (await fetch(`${jwtOrigin}/graphiql`)).text());
      expect(JSON.parse(config.headers)).toEqual({ Authorization: 'Bearer <paste a token here>' });
      expect(config.tokenPlaceholder).toBe('<paste a token here>');
    });
  });

  it('says how to build the bundle when it is missing, instead of a blank page', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'explorer-empty-'));
    try {
      await withServer(
        {},
        async (_server, emptyOrigin) => {
          const response = await fetch(`${emptyOrigin}/graphiql`);
          expect(response.status).toBe(503);
          expect(await response.text()).toContain('npm run build');
        },
        empty,
      );
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describeDb('The /graphql landing page', () => {
  it('is Apollo Sandbox, which moves to /graphiql when its script does not load or does not arrive in time', async () => {
    await withServer({}, async (_server, origin) => {
      const html = await (await fetch(`${origin}/graphql`, { headers: NAVIGATION })).text();
      const sandboxScript = /<script nonce="([^"]+)" src="https:\/\/embeddable-sandbox\.cdn\.apollographql\.com\/[^"]+"><\/script>/.exec(
        html,
      );
      expect(sandboxScript).not.toBeNull();
      const nonce = sandboxScript![1]!;
      // Armed before Sandbox's script, checked right after it, both allowed by the page's CSP nonce.
      const arm = html.indexOf(`<script nonce="${nonce}">\n  window.__toGraphiql`);
      const check = html.indexOf(`<script nonce="${nonce}">window.__toGraphiql();</script>`);
      expect(arm).toBeGreaterThan(-1);
      expect(arm).toBeLessThan(sandboxScript!.index);
      expect(check).toBeGreaterThan(sandboxScript!.index);
      expect(html).toContain('window.location.replace("/graphiql" + window.location.search)');
      expect(html).toMatch(/window\.setTimeout\(window\.__toGraphiql, \d+\)/);
    });
  });

  it('is GraphiQL itself with EXPLORER=graphiql', async () => {
    await withServer({ EXPLORER: 'graphiql' }, async (_server, origin) => {
      const response = await fetch(`${origin}/graphql`, { headers: NAVIGATION });
      const html = await response.text();
      expect(html).not.toContain('apollographql.com');
      expect(referencedUrls(html)).toEqual(expect.arrayContaining(['/graphiql/assets/graphiql.js']));
      expect(html).toContain(`http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'self';`);
      expect(pageConfig(html).examples).toHaveLength(4);
    });
  });
});

describeDb('The Explorer in production', () => {
  it('is not served without ENABLE_INTROSPECTION, whatever EXPLORER says', async () => {
    for (const explorer of ['sandbox', 'graphiql']) {
      await withServer({ ...PRODUCTION, EXPLORER: explorer }, async (_server, origin) => {
        expect((await fetch(`${origin}/graphiql`, { headers: NAVIGATION })).status).toBe(404);
        expect((await fetch(`${origin}/graphiql/assets/graphiql.js`)).status).toBe(404);
        const landing = await (await fetch(`${origin}/graphql`, { headers: NAVIGATION })).text();
        expect(landing).not.toContain('graphiql');
        expect(landing).not.toContain('explorer-config');
      });
    }
  });

  it('is served with ENABLE_INTROSPECTION=true, like introspection', async () => {
    await withServer({ ...PRODUCTION, ENABLE_INTROSPECTION: 'true' }, async (_server, origin) => {
      expect((await fetch(`${origin}/graphiql`, { headers: NAVIGATION })).status).toBe(200);
      expect((await fetch(`${origin}/graphiql/assets/graphiql.js`)).status).toBe(200);
    });
  });
});

describeDb('GET /graphql', () => {
  let server: TestServer;
  let origin: string;

  beforeAll(async () => {
    server = await startTestServer({}, { explorerBundleDir: bundle.dir });
    origin = originOf(server);
  });

  afterAll(() => server?.close());

  it('refuses a plain GET, as CSRF prevention must, with a message that says what a GET needs', async () => {
    const response = await fetch(`${origin}/graphql?query=${encodeURIComponent('{ __typename }')}`);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: Array<{ message: string; extensions: { code: string } }> };
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0]).toMatchObject({ message: CSRF_REFUSAL_MESSAGE, extensions: { code: 'BAD_REQUEST' } });
    expect(CSRF_REFUSAL_MESSAGE).toContain('apollo-require-preflight: true');
    expect(CSRF_REFUSAL_MESSAGE).toContain('README');
  });

  it('refuses a form-like POST with the same message', async () => {
    const response = await fetch(`${origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { errors: Array<{ message: string }> }).errors[0]!.message).toBe(CSRF_REFUSAL_MESSAGE);
  });

  it('answers a GET that carries apollo-require-preflight, as the README shows', async () => {
    const url = new URL('/graphql', origin);
    url.searchParams.set('query', 'query Count { customers(first: 1) { totalCount } }');
    const response = await fetch(url, { headers: { 'apollo-require-preflight': 'true' } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { customers: { totalCount: 0 } } });
  });
});

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { buildTestExplorer, describeBrowser, launchChromium, markBrowserRun, SCREENSHOT_DIR } from '../helpers/explorer';
import { dialect, startTestServer, TestServer } from '../helpers/test-server';
import { hs256Token, TEST_JWT_SECRET } from '../helpers/tokens';

/** Where a request may go: the subgraph on the loopback interface, nothing else. */
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

interface OfflineContext {
  context: BrowserContext;
  /** Every URL the pages asked for, in order. */
  requested: string[];
  /** Those refused because they left the machine. */
  refused: string[];
}

/** A fresh browser profile whose network ends at the loopback interface, as on a train or in CI. */
async function offlineContext(browser: Browser): Promise<OfflineContext> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const requested: string[] = [];
  const refused: string[] = [];
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    requested.push(url);
    if (LOOPBACK.has(new URL(url).hostname)) {
      await route.continue();
    } else {
      refused.push(url);
      await route.abort('internetdisconnected');
    }
  });
  return { context, requested, refused };
}

/** A CodeMirror 5 editor's element, which carries its editor. */
interface CodeMirrorElement {
  CodeMirror: { getValue(): string };
}

/** The answer as GraphiQL holds it (CodeMirror renders only the lines in view). */
async function resultOf(page: Page): Promise<unknown> {
  const text = await page
    .locator('.result-window .CodeMirror')
    .evaluate((editor: unknown) => (editor as CodeMirrorElement).CodeMirror.getValue());
  return JSON.parse(text) as unknown;
}

/** Replaces an editor's text the way a paste does (no typing, so no auto-closed brackets). */
async function pasteInto(page: Page, editor: string, text: string): Promise<void> {
  await page.locator(`${editor} .CodeMirror`).click();
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(text);
}

describeBrowser(dialect)('The Explorer in a real browser, offline', () => {
  let server: TestServer;
  let browser: Browser;
  let bundle: Awaited<ReturnType<typeof buildTestExplorer>>;
  let origin: string;
  let token: string;

  beforeAll(async () => {
    markBrowserRun();
    bundle = await buildTestExplorer();
    server = await startTestServer({ AUTH_JWT_SECRET: TEST_JWT_SECRET }, { explorerBundleDir: bundle.dir });
    origin = new URL(server.server.url).origin.replace('localhost', '127.0.0.1');
    token = await hs256Token({ claims: { brand: 'explorer' } });
    const created = await server.graphql<{ createCustomer: { userErrors: unknown[] } }>(
      `mutation { createCustomer(input: { givenName: "Grace", familyName: "Hopper", phoneNumber: "+1 202 555 0143" }) { userErrors { message } } }`,
      {},
      { authorization: `Bearer ${token}` },
    );
    expect(created.data?.createCustomer.userErrors).toEqual([]);
    browser = await launchChromium();
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    bundle?.remove();
  });

  it('runs the example list query with a pasted token, shows the docs of Customer, and asks nothing of any other origin', async () => {
    const { context, requested, refused } = await offlineContext(browser);
    try {
      const page = await context.newPage();
      const pageErrors: string[] = [];
      page.on('pageerror', (error) => pageErrors.push(error.message));
      await page.goto(`${origin}/graphiql`);

      // Opens with the example operations, the list with paging first.
      await expect(page.locator('.graphiql-tab-button').allTextContents()).resolves.toEqual([
        'ListCustomers',
        'OneCustomer',
        'CreateCustomer',
        'UpdateCustomer',
      ]);
      // The documentation, loaded before any token is pasted: type Customer, field phoneNumber, its description.
      await page.getByRole('button', { name: 'Show Documentation Explorer' }).click();
      const docs = page.locator('.graphiql-doc-explorer');
      await docs.getByRole('combobox').fill('Customer');
      await page.getByRole('option', { name: /^Customer$/ }).click();
      await docs.getByText('Phone number in E.164 form').waitFor();

      // The headers editor shows where the token goes. Run without one: the subgraph asks for it.
      const headersEditor = '.graphiql-editor-tool .graphiql-editor:not(.hidden)';
      await expect(page.locator(headersEditor).textContent()).resolves.toContain('Bearer <paste a token here>');
      const result = page.locator('.result-window');
      await page.locator('.graphiql-execute-button').click();
      await result.getByText('UNAUTHENTICATED').waitFor();
      // The placeholder is not sent as a (malformed) token: the answer is the one for a request without a token.
      expect(await resultOf(page)).toMatchObject({
        errors: [{ message: 'Authentication required: send Authorization: Bearer <token>.', extensions: { code: 'UNAUTHENTICATED' } }],
      });

      // Paste a token and run again.
      await pasteInto(page, headersEditor, JSON.stringify({ Authorization: `Bearer ${token}` }, null, 2));
      await page.locator('.graphiql-execute-button').click();
      await result.getByText('Grace Hopper').waitFor();
      const answer = (await resultOf(page)) as {
        data: { customers: { totalCount: number; nodes: Array<{ name: string; phoneNumber: string }> } };
      };
      expect(answer.data.customers.totalCount).toBe(1);
      expect(answer.data.customers.nodes[0]).toMatchObject({ name: 'Grace Hopper', phoneNumber: '+12025550143' });
      await page.screenshot({ path: join(SCREENSHOT_DIR, 'graphiql.png') });

      expect(pageErrors).toEqual([]);
      expect(refused).toEqual([]);
      expect(requested.filter((url) => new URL(url).origin !== origin)).toEqual([]);
      expect(requested).toEqual(expect.arrayContaining([`${origin}/graphiql`, `${origin}/graphiql/assets/graphiql.js`]));
    } finally {
      await context.close();
    }
  });

  it('opens GraphiQL from the /graphql landing page when Apollo Sandbox cannot load', async () => {
    const { context, refused } = await offlineContext(browser);
    try {
      const page = await context.newPage();
      await page.goto(`${origin}/graphql?query=${encodeURIComponent('{ __typename }')}`);
      await page.waitForURL(`${origin}/graphiql?query=*`);
      await page.locator('.graphiql-execute-button').waitFor();
      await expect(page.locator('.graphiql-query-editor').textContent()).resolves.toContain('__typename');
      // Sandbox's script was asked for, and refused: that is what sent the page to GraphiQL.
      expect(refused.some((url) => new URL(url).hostname === 'embeddable-sandbox.cdn.apollographql.com')).toBe(true);
    } finally {
      await context.close();
    }
  });
});

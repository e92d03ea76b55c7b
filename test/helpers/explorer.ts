import { appendFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Browser, chromium } from 'playwright-core';
import { buildExplorer } from '../../src/scripts/build-explorer';

/** Debian's Chromium (`apt-get install chromium`); playwright-core downloads no browser of its own. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Set by the global setup when Chromium is there. */
export const BROWSER_AVAILABLE_ENV = 'CUSTOMER_TEST_BROWSER_AVAILABLE';
/** Each browser test file appends its name here; .ci/run checks it to prove the browser tests ran. */
export const BROWSER_RUN_MARKER = join(__dirname, '..', '..', 'test-results', 'browser-tests-run.txt');
/** Screenshots the browser tests keep (CI keeps test-results/ as its artifacts). */
export const SCREENSHOT_DIR = join(__dirname, '..', '..', 'test-results', 'explorer');

export function chromiumInstalled(): boolean {
  return existsSync(CHROMIUM_PATH);
}

/**
 * `describe` for tests that drive a real browser. They run in the SQLite
 * project only: what they check does not depend on the database, and one
 * Chromium at a time is enough for a two-core machine.
 */
export function describeBrowser(dialect: 'sqlite' | 'mysql'): jest.Describe {
  return dialect === 'sqlite' && process.env[BROWSER_AVAILABLE_ENV] === '1' ? describe : describe.skip;
}

export function markBrowserRun(): void {
  mkdirSync(dirname(BROWSER_RUN_MARKER), { recursive: true });
  appendFileSync(BROWSER_RUN_MARKER, `${basename(expect.getState().testPath ?? 'unknown')}\n`);
}

/** Chromium headless, with the flags that keep it from calling home (updates, sync, field trials). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** Builds the Explorer bundle into a directory of its own, so a test sees the current sources and never races `npm run build`. */
export async function buildTestExplorer(): Promise<{ dir: string; remove(): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'explorer-bundle-'));
  await buildExplorer(dir);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

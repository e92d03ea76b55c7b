import { rmSync } from 'node:fs';
import { BROWSER_AVAILABLE_ENV, BROWSER_RUN_MARKER, CHROMIUM_PATH, chromiumInstalled } from './explorer';

/**
 * Decides whether the browser tests run: they do when Chromium is installed.
 * When it is not, they are skipped with a notice, or fail the run when
 * REQUIRE_BROWSER_TESTS=1 (set by .ci/run, which installs Chromium).
 */
export function setUpBrowser(): void {
  rmSync(BROWSER_RUN_MARKER, { force: true });
  if (chromiumInstalled()) {
    process.env[BROWSER_AVAILABLE_ENV] = '1';
    return;
  }
  if (process.env.REQUIRE_BROWSER_TESTS === '1') throw new Error(`REQUIRE_BROWSER_TESTS=1 but there is no Chromium at ${CHROMIUM_PATH}`);
  console.warn(`\n⚠ Browser tests SKIPPED: no Chromium at ${CHROMIUM_PATH}. Install it (apt-get install chromium) to run them.\n`);
}

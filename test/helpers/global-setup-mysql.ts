import { mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { MYSQL_AVAILABLE_ENV, onTestServer, TEST_MYSQL_URL } from './mysql-server';
import { MYSQL_RUN_MARKER } from './run-marker';
import { setUpNats } from './global-setup-nats';

/**
 * Decides whether the MySQL half runs: it does when the server answers. When it
 * does not, the half is skipped with a notice, or fails the run when
 * REQUIRE_MYSQL_TESTS=1 (CI must never pass without it).
 */
export default async function globalSetup(): Promise<void> {
  await setUpNats();
  rmSync(MYSQL_RUN_MARKER, { force: true });
  const where = new URL(TEST_MYSQL_URL).host;
  try {
    await onTestServer(['SELECT 1']);
    process.env[MYSQL_AVAILABLE_ENV] = '1';
    mkdirSync(dirname(MYSQL_RUN_MARKER), { recursive: true });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (process.env.REQUIRE_MYSQL_TESTS === '1') {
      throw new Error(`REQUIRE_MYSQL_TESTS=1 but no MySQL/MariaDB answers at ${where}: ${reason}`, { cause: error });
    }
    console.warn(
      `\n⚠ MySQL half of the tests SKIPPED: no MySQL/MariaDB answers at ${where} (${reason}).\n` +
        '  Start one (see README) or set TEST_MYSQL_URL to run it.\n',
    );
  }
}

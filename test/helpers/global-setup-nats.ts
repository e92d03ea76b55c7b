import { rmSync } from 'node:fs';
import { NATS_AVAILABLE_ENV, NATS_RUN_MARKER, natsAnswers, TEST_NATS_URL } from './nats-server';

/**
 * Decides whether the NATS tests run: they do when NATS answers at TEST_NATS_URL.
 * When it does not, they are skipped with a notice, or fail the run when
 * REQUIRE_NATS_TESTS=1 (CI must never pass without them).
 */
export async function setUpNats(): Promise<void> {
  rmSync(NATS_RUN_MARKER, { force: true });
  if (await natsAnswers()) {
    process.env[NATS_AVAILABLE_ENV] = '1';
    return;
  }
  if (process.env.REQUIRE_NATS_TESTS === '1') throw new Error(`REQUIRE_NATS_TESTS=1 but no NATS answers at ${TEST_NATS_URL}`);
  console.warn(`\n⚠ NATS tests SKIPPED: no NATS answers at ${TEST_NATS_URL}. Start nats-server -js (see README) to run them.\n`);
}

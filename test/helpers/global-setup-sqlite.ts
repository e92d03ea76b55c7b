import { setUpBrowser } from './global-setup-browser';
import { setUpNats } from './global-setup-nats';

/**
 * The SQLite half needs nothing outside the process (every test file opens its own in-memory database) but NATS
 * for the event tests and Chromium for the browser tests, which run in this half only.
 */
export default async function globalSetup(): Promise<void> {
  await setUpNats();
  setUpBrowser();
}

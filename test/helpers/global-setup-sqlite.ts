import { setUpNats } from './global-setup-nats';

/** The SQLite half needs nothing outside the process (every test file opens its own in-memory database) but NATS for the event tests. */
export default async function globalSetup(): Promise<void> {
  await setUpNats();
}

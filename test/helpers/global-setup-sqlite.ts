/** The SQLite half needs nothing outside the process: every test file opens its own in-memory database. */
export default async function globalSetup(): Promise<void> {}

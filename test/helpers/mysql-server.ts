import { createConnection } from 'mysql2/promise';

/** The MySQL/MariaDB server the MySQL half of the tests uses; each test file gets its own database on it. */
export const TEST_MYSQL_URL = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';

/** Set by the MySQL project's global setup when the server answers. */
export const MYSQL_AVAILABLE_ENV = 'CUSTOMER_TESTS_MYSQL_AVAILABLE';

export function serverUrl(database?: string): string {
  const url = new URL(TEST_MYSQL_URL);
  url.pathname = database ? `/${database}` : '/';
  return url.toString();
}

/** Runs `statements` on the test server outside any test database. */
export async function onTestServer(statements: string[]): Promise<void> {
  const connection = await createConnection({ uri: serverUrl(), connectTimeout: 2000 });
  try {
    for (const statement of statements) await connection.query(statement);
  } finally {
    await connection.end();
  }
}

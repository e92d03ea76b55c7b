import { isDatabaseUnavailable } from '../../src/core/errors/database-unavailable';
import { describeDb, dialect, startTestServer, TestServer } from '../helpers/test-server';

/**
 * A statement the database gives up on (its statement timeout) is the
 * database failing us, answered SERVICE_UNAVAILABLE: checked against the error
 * the real driver raises, which on MariaDB carries only an errno.
 */
describeDb('a statement past the database statement timeout', () => {
  if (dialect !== 'mysql') {
    it('has no statement timeout on SQLite', () => undefined);
    return;
  }

  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer();
  });

  afterAll(async () => {
    await t?.close();
  });

  it('is recognised as the database giving up', async () => {
    const failure = await t.server.dataSource
      .query(
        `SET STATEMENT max_statement_time = 0.001 FOR
           SELECT COUNT(*) FROM information_schema.columns a, information_schema.columns b, information_schema.columns c`,
      )
      .then(
        () => null,
        (error: unknown) => error,
      );
    expect(failure).not.toBeNull();
    expect(String((failure as Error).message)).toMatch(/max_statement_time/);
    expect(isDatabaseUnavailable(failure)).toBe(true);
  });
});

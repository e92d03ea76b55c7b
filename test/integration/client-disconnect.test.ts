import { currentTrace } from '../../src/core/request-trace';
import { Writable } from 'node:stream';
import { dialect, describeDb, startTestServer, TestServer } from '../helpers/test-server';

/** The server's log lines, parsed. */
class CapturedLog extends Writable {
  private readonly chunks: string[] = [];

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.chunks.push(chunk.toString());
    done();
  }

  requestLines(requestId: string): Array<Record<string, unknown>> {
    return this.chunks
      .join('')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.msg === 'request' && line.requestId === requestId);
  }
}

const ALIASES = 200;
/** Two statements per alias (the page and its count); 200 × 103 is within the default cost limit. */
const QUERY = `query Many { ${Array.from({ length: ALIASES }, (_, index) => `a${index}: customers(first: 1) { totalCount }`).join(' ')} }`;

describeDb('a client that disconnects', () => {
  let t: TestServer;
  const log = new CapturedLog();

  beforeAll(async () => {
    t = await startTestServer({ LOG_LEVEL: 'info' }, { logDestination: log });
    const created = await t.graphql('mutation { createCustomer(input: { givenName: "Leaving" }) { customer { id } } }');
    expect(created.errors).toBeUndefined();
  });
  afterAll(() => t?.close());

  it('gets its log line, and on MySQL is logged as aborted with its remaining reads not run', async () => {
    const requestId = `disconnect-${process.pid}`;
    const client = new AbortController();
    let seen = 0;
    // The request's own statements only: the change feed's background work issues statements of its own.
    const stop = t.server.statementLog.subscribe(() => {
      if (!currentTrace()) return;
      seen += 1;
      if (seen === 1) client.abort();
    });
    try {
      await expect(
        fetch(t.server.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-request-id': requestId },
          body: JSON.stringify({ query: QUERY }),
          signal: client.signal,
        }),
      ).rejects.toThrow(/abort/i);
      for (let attempt = 0; attempt < 200 && log.requestLines(requestId).length === 0; attempt += 1) {
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    } finally {
      stop();
    }
    const lines = log.requestLines(requestId);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ operation: 'Many' });
    const statements = lines[0]!.statements as number;
    if (dialect === 'mysql') {
      // Statements wait for pool connections and the network, so the disconnect is seen between them.
      expect(lines[0]).toMatchObject({ outcome: 'aborted', status: 499 });
      expect(statements).toBeLessThan(ALIASES);
    } else {
      // better-sqlite3 runs each statement synchronously and the whole request in one turn of the event
      // loop, so it ends before the close can be seen; the cost limit is what bounds its work.
      expect(statements).toBe(2 * ALIASES);
    }

    const after = await t.graphql<{ customers: { totalCount: number } }>('{ customers(first: 1) { totalCount } }');
    expect(after.data?.customers.totalCount).toBe(1);
  });
});

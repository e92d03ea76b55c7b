import { connect, Socket } from 'node:net';
import { describeDb, startTestServer, TestServer } from '../helpers/test-server';

/**
 * The HTTP timeouts as the README states them: headers that have not all arrived
 * within HTTP_HEADERS_TIMEOUT_MS, or a request not fully received within
 * HTTP_REQUEST_TIMEOUT_MS, get 408 and the connection closes, close to the
 * configured time (not up to Node's 30 s checking interval later). The bounds
 * are generous so that a busy machine does not fail the test.
 */

const HEADERS_TIMEOUT_MS = 1500;
const REQUEST_TIMEOUT_MS = 3000;
const SLACK_MS = 1500;

interface Cut {
  /** From the first byte sent until the server closed the connection. */
  elapsedMs: number;
  response: string;
}

/** Opens a raw connection, lets `drive` write to it, and resolves when the server closes it. */
function rawRequest(port: number, drive: (socket: Socket) => void): Promise<Cut> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let response = '';
    let started = 0;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (response += chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve({ elapsedMs: Date.now() - started, response }));
    socket.on('connect', () => {
      started = Date.now();
      drive(socket);
    });
  });
}

describeDb('HTTP timeouts', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer({ HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS), HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS) });
  });

  afterAll(async () => {
    await t?.close();
  });

  it('answers partial headers with 408 close to HTTP_HEADERS_TIMEOUT_MS', async () => {
    const cut = await rawRequest(t.server.port, (socket) => socket.write('POST /graphql HTTP/1.1\r\nHost: localhost\r\nX-Slow: '));
    expect(cut.response).toMatch(/^HTTP\/1\.1 408 /);
    expect(cut.elapsedMs).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 100);
    expect(cut.elapsedMs).toBeLessThan(HEADERS_TIMEOUT_MS + SLACK_MS);
  });

  it('answers a body trickled one byte at a time with 408 close to HTTP_REQUEST_TIMEOUT_MS', async () => {
    const body = JSON.stringify({ query: '{ __typename }' });
    let timer: NodeJS.Timeout | undefined;
    const cut = await rawRequest(t.server.port, (socket) => {
      socket.write(`POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`);
      let sent = 0;
      timer = setInterval(() => {
        if (sent < body.length - 1 && !socket.destroyed) socket.write(body[sent++]!);
      }, 250);
      socket.once('close', () => clearInterval(timer));
    });
    clearInterval(timer);
    expect(cut.response).toMatch(/^HTTP\/1\.1 408 /);
    expect(cut.elapsedMs).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 100);
    expect(cut.elapsedMs).toBeLessThan(REQUEST_TIMEOUT_MS + SLACK_MS);
  });

  it('serves a request that arrives in time', async () => {
    const response = await t.graphql<{ __typename: string }>('{ __typename }');
    expect(response.data).toEqual({ __typename: 'Query' });
  });
});

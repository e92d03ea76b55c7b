import { connect as connectSocket } from 'node:net';
import { join } from 'node:path';

/** The NATS JetStream the event tests publish to: the machine's, unless TEST_NATS_URL says otherwise. */
export const TEST_NATS_URL = process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
/** Set by the global setup when TEST_NATS_URL answers. */
export const NATS_AVAILABLE_ENV = 'CUSTOMER_TEST_NATS_AVAILABLE';
/** Each NATS test file appends its name here; .ci/run checks it to prove the NATS half ran. */
export const NATS_RUN_MARKER = join(__dirname, '..', '..', 'test-results', 'nats-files-run.txt');

/** Whether a TCP connection to the URL's host and port succeeds within a second. */
export function natsAnswers(url = TEST_NATS_URL): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connectSocket({ host: hostname, port: Number(port || 4222), timeout: 1000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

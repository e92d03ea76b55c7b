import { ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { NATS_AVAILABLE_ENV, NATS_RUN_MARKER, natsAnswers } from './nats-server';
import { freePort } from './private-mariadb';

export { TEST_NATS_URL } from './nats-server';

/** `describe` for tests that need NATS JetStream; skipped with a notice when none answers (see the global setup). */
export const describeNats: jest.Describe = process.env[NATS_AVAILABLE_ENV] === '1' ? describe : describe.skip;

/** Records that this test file ran against NATS. */
export function markNatsRun(): void {
  mkdirSync(dirname(NATS_RUN_MARKER), { recursive: true });
  appendFileSync(NATS_RUN_MARKER, `${basename(expect.getState().testPath ?? 'unknown')}\n`);
}

export interface StreamMessage {
  subject: string;
  msgId: string | undefined;
  body: Record<string, unknown>;
}

/** Every message of `stream` on subjects matching `filter`, in stream order (an ordered consumer from the start). */
export async function readStream(
  url: string,
  stream: string,
  filter: string,
  expected: number,
  timeoutMs = 30_000,
): Promise<StreamMessage[]> {
  const nc = await connect({ servers: url, timeout: 2_000 });
  try {
    const consumer = await jetstream(nc).consumers.get(stream, { filter_subjects: filter });
    const messages: StreamMessage[] = [];
    const deadline = Date.now() + timeoutMs;
    while (messages.length < expected && Date.now() < deadline) {
      const batch = await consumer.fetch({ max_messages: 1000, expires: 1000 });
      for await (const message of batch) {
        messages.push({
          subject: message.subject,
          msgId: message.headers?.get('Nats-Msg-Id'),
          body: message.json<Record<string, unknown>>(),
        });
      }
    }
    return messages;
  } finally {
    await nc.close();
  }
}

/**
 * A nats-server of the test's own, with JetStream on a temporary store and a
 * free port, that the test may kill and restart without touching the shared one.
 */
export class PrivateNats {
  private child: ChildProcess | undefined;
  private readonly killOnExit = () => this.child?.kill('SIGKILL');

  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<PrivateNats> {
    const server = new PrivateNats(mkdtempSync(join(tmpdir(), 'customer-private-nats-')), await freePort());
    await server.restart();
    return server;
  }

  /** Starts the server (again) on the same store and port, and waits until it accepts connections. */
  async restart(): Promise<void> {
    const binary = process.env.NATS_SERVER_BIN ?? 'nats-server';
    this.child = spawn(binary, ['-a', '127.0.0.1', '-p', String(this.port), '-js', '-sd', this.dir], { stdio: 'ignore' });
    process.once('exit', this.killOnExit);
    const deadline = Date.now() + 15_000;
    while (!(await natsAnswers(this.url))) {
      if (Date.now() > deadline) throw new Error(`the private nats-server on port ${this.port} did not start`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** SIGKILL: no clean shutdown. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    process.removeListener('exit', this.killOnExit);
  }

  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

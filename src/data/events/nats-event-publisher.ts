import { jetstream, JetStreamClient, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { EventPublisher } from './event-publisher';
import { NumberedCustomerEvent } from '../repositories/event.repository';

type NatsConnection = Awaited<ReturnType<typeof connect>>;

export interface NatsEventPublisherOptions {
  /** One or more server URLs, comma-separated (`nats://127.0.0.1:4222`). */
  url: string;
  stream: string;
  /** How long to wait for the server's acknowledgement of one message. */
  ackTimeoutMs?: number;
}

/** All subjects this service publishes on, as the stream it creates binds them. */
export const SUBJECT_ROOT = 'customers';

/**
 * Publishes events to NATS JetStream: subject `customers.<brand>.<type>`, the
 * event as JSON plus `brand` as the body, and the event id as `Nats-Msg-Id`, so
 * the stream drops a repeat within its duplicate window.
 *
 * Order: the messages of one batch leave on one connection in the order given,
 * and the server stores them in the order it reads them. The connection is
 * made on first use (a NATS that is down at start only delays publishing) and
 * then reconnects by itself.
 */
export class NatsEventPublisher implements EventPublisher {
  private connection: Promise<{ nc: NatsConnection; js: JetStreamClient }> | null = null;
  private streamReady = false;
  private closed = false;

  constructor(private readonly options: NatsEventPublisherOptions) {}

  async publish(events: readonly NumberedCustomerEvent[]): Promise<void> {
    const { js, nc } = await this.connect();
    if (!this.streamReady) {
      await ensureStream(nc, this.options.stream);
      this.streamReady = true;
    }
    const timeout = this.options.ackTimeoutMs ?? 5_000;
    const acks = events.map((event) => js.publish(subjectOf(event), JSON.stringify(messageOf(event)), { msgID: event.id, timeout }));
    const outcomes = await Promise.allSettled(acks);
    const failed = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    if (failed) {
      // The stream may have been deleted meanwhile; look again before the next attempt.
      this.streamReady = false;
      throw failed.reason;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const connection = await this.connection?.catch(() => null);
    if (connection && !connection.nc.isClosed()) await connection.nc.drain().catch(() => connection.nc.close());
  }

  private connect(): Promise<{ nc: NatsConnection; js: JetStreamClient }> {
    if (this.closed) return Promise.reject(new Error('the NATS publisher is closed'));
    this.connection ??= (async () => {
      const nc = await connect({
        servers: this.options.url.split(',').map((server) => server.trim()),
        name: 'customer-subgraph',
        timeout: 2_000,
        // Once connected, keep trying for ever: the relay's own back-off handles the wait.
        maxReconnectAttempts: -1,
        reconnectTimeWait: 500,
      });
      void nc.closed().then(() => {
        this.connection = null;
        this.streamReady = false;
      });
      return { nc, js: jetstream(nc) };
    })().catch((error: unknown) => {
      this.connection = null;
      throw error;
    });
    return this.connection;
  }
}

/** Creates the stream, bound to every subject of this service, unless it exists. */
async function ensureStream(nc: NatsConnection, stream: string): Promise<void> {
  const manager = await jetstreamManager(nc);
  try {
    await manager.streams.info(stream);
  } catch (error) {
    if (!isStreamNotFound(error)) throw error;
    await manager.streams.add({ name: stream, subjects: [`${SUBJECT_ROOT}.>`] });
  }
}

function isStreamNotFound(error: unknown): boolean {
  return error instanceof Error && /stream not found/i.test(error.message);
}

/** `customers.<brand>.<type>`; a `.` in a brand (which would split the token) is written `%2E`. */
export function subjectOf(event: Pick<NumberedCustomerEvent, 'brand' | 'type'>): string {
  return `${SUBJECT_ROOT}.${event.brand.replace(/\./g, '%2E')}.${event.type.toLowerCase()}`;
}

/** The message body: the event as the feed shows it, plus its brand. */
export function messageOf(event: NumberedCustomerEvent): Record<string, unknown> {
  return {
    id: event.id,
    type: event.type,
    customerId: event.customerId,
    sequence: event.sequence,
    occurredAt: event.occurredAt.toISOString(),
    changedFields: event.changedFields,
    data: event.data,
    brand: event.brand,
  };
}

import { NumberedCustomerEvent } from '../repositories/event.repository';

/** Where a relay sends events: a broker. */
export interface EventPublisher {
  /**
   * Publishes events in the order given and resolves once the broker has
   * stored every one; rejects when any was not stored (the relay then sends the
   * batch again: the broker deduplicates on the event id).
   */
  publish(events: readonly NumberedCustomerEvent[]): Promise<void>;
  close(): Promise<void>;
}

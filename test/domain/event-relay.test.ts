import { NumberedCustomerEvent } from '../../src/data/repositories/event.repository';
import { EventRelay } from '../../src/domain/event/event-relay';
import { DomainHarness, openDomain } from '../helpers/domain';

const BRAND = 'brand-a';
/** Far longer than the test may take: an event published in time was not waiting for the idle timer. */
const IDLE_MS = 600_000;

describe('event relay (domain, SQLite)', () => {
  let domain: DomainHarness;
  beforeEach(async () => {
    domain = await openDomain();
  });
  afterEach(() => domain.close());

  it('publishes an event whose wake-up came while the relay was reading, without waiting for its idle timer', async () => {
    const published: string[] = [];
    let sawNewEvent: () => void = () => undefined;
    const publishedNewEvent = new Promise<void>((resolve) => (sawNewEvent = resolve));
    const publisher = {
      publish: (events: readonly NumberedCustomerEvent[]) => {
        published.push(...events.map((event) => event.customerId));
        if (published.length > 1) sawNewEvent();
        return Promise.resolve();
      },
      close: () => Promise.resolve(),
    };
    const relay = new EventRelay(domain.database, publisher, { name: 'test', owner: 'me', idleMs: IDLE_MS });
    const first = await domain.services.customers.create(BRAND, { givenName: 'Ada' });
    await domain.services.eventSequencer.catchUp();

    // The relay's read that finds nothing new: meanwhile a change commits, is numbered and wakes the relay, which is
    // busy reading, not yet waiting.
    const events = domain.database.read.events;
    const after = events.after.bind(events);
    let raced = false;
    jest.spyOn(events, 'after').mockImplementation(async (position, limit) => {
      const rows = await after(position, limit);
      if (rows.length === 0 && !raced) {
        raced = true;
        await domain.services.customers.create(BRAND, { givenName: 'Grace' });
        await domain.services.eventSequencer.catchUp();
        relay.wake();
      }
      return rows;
    });

    relay.start();
    const timeout = new Promise<'waited'>((resolve) => setTimeout(() => resolve('waited'), 10_000).unref());
    expect(await Promise.race([publishedNewEvent.then(() => 'published' as const), timeout])).toBe('published');
    await relay.stop();
    expect(published[0]).toBe(first.customer!.id);
    expect(published).toHaveLength(2);
  });
});

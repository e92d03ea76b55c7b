import { FlagRegistry } from './flag/flag-registry';
import { CursorCodec } from '../core/paging/cursor-codec';
import { Database } from '../data/database';
import { CustomerActivityService } from './activity/customer-activity.service';
import { CustomerChannelService } from './channel/customer-channel.service';
import { CustomerFlagService } from './flag/customer-flag.service';
import { CustomerService } from './customer/customer.service';
import { CustomerEventService } from './event/customer-event.service';
import { EventSequencer } from './event/event-sequencer';
import { CustomerMergeService } from './merge/customer-merge.service';
import { CustomerImportService } from './import/customer-import.service';
import { CustomerExportService } from './export/customer-export.service';

/** The services of one running server; shared by all requests. */
export interface Services {
  customers: CustomerService;
  channels: CustomerChannelService;
  flags: CustomerFlagService;
  activities: CustomerActivityService;
  events: CustomerEventService;
  /** Merges, and reads by id that follow merged ids to their survivors. */
  merges: CustomerMergeService;
  /** Numbers committed events for the feed and the relays; one per process. */
  eventSequencer: EventSequencer;
  imports: CustomerImportService;
  exports: CustomerExportService;
}

export interface ServiceOptions {
  /** The clock every write stamps its times with; tests inject one they control. */
  now?: () => Date;
}

export function createServices(database: Database, cursorSecret: string, registry: FlagRegistry, options: ServiceOptions = {}): Services {
  const cursors = new CursorCodec(cursorSecret);
  const now = options.now ?? (() => new Date());
  const channels = new CustomerChannelService({ database, now });
  const flags = new CustomerFlagService({ database, registry, cursors, now });
  const eventSequencer = new EventSequencer(database);
  return {
    customers: new CustomerService({ database, cursors, channels, flags, now }),
    channels,
    flags,
    activities: new CustomerActivityService({ database, cursors, now }),
    events: new CustomerEventService({ database, cursors, sequencer: eventSequencer }),
    merges: new CustomerMergeService({ database }),
    eventSequencer,
    imports: new CustomerImportService({ database, cursors, now }),
    exports: new CustomerExportService(database),
  };
}

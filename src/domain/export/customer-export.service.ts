import { CustomerEntity } from '../../data/entities/customer.entity';
import { Database } from '../../data/database';
import { fullName } from '../customer/customer-fields.rules';

/** Rows read per statement for one customer's data export; the export is read in pages of this many until a page comes back short. */
const DATA_PAGE = 1000;

/** A customer's public fields, as an export writes them. */
export interface ExportedCustomer {
  id: string;
  externalId: string | null;
  givenName: string;
  familyName: string;
  name: string;
  emailAddress: string | null;
  phoneNumber: string | null;
  languageCode: string | null;
  metadata: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
  version: number;
}

export function exportedCustomer(customer: CustomerEntity): ExportedCustomer {
  return {
    id: customer.id,
    externalId: customer.externalId,
    givenName: customer.givenName,
    familyName: customer.familyName,
    name: fullName(customer.givenName, customer.familyName),
    emailAddress: customer.emailAddress,
    phoneNumber: customer.phoneNumber,
    languageCode: customer.languageCode,
    metadata: customer.metadata,
    createdAt: customer.createdAt.toISOString(),
    updatedAt: customer.updatedAt.toISOString(),
    deletedAt: customer.deletedAt?.toISOString() ?? null,
    version: customer.version,
  };
}

/** Exports: a brand's live customers as a stream of pages, and everything held about one customer. */
export class CustomerExportService {
  constructor(private readonly database: Database) {}

  /**
   * The brand's live customers in id order, one keyset page at a time: the
   * next page is read only when the consumer asks for it, so a slow consumer
   * holds one page, never the table. A customer created during the export is
   * included if its id sorts after the page being read.
   */
  async *livePages(brand: string, pageSize: number): AsyncGenerator<CustomerEntity[]> {
    let afterId: string | null = null;
    for (;;) {
      const page = await this.database.read.exports.livePage(brand, afterId, pageSize);
      if (page.length > 0) yield page;
      if (page.length < pageSize) return;
      afterId = page[page.length - 1]!.id;
    }
  }

  /**
   * Everything held about one customer of the brand, soft-deleted ones too (a
   * data subject's access request): fields, channels, flags, activities and
   * change events, each read in bounded pages. Null when the brand has no
   * customer with this id.
   */
  async dataExport(brand: string, id: string): Promise<Record<string, unknown> | null> {
    const { exports: pages, customers, events } = this.database.read;
    const customer = await customers.findById(brand, id, true);
    if (!customer) return null;
    const channels = await readAll(
      (after: string | null) => pages.channelsPage(brand, id, after, DATA_PAGE),
      (row) => row.id,
    );
    const flags = await readAll(
      (after: string | null) => pages.flagsPage(brand, id, after, DATA_PAGE),
      (row) => row.name,
    );
    const activities = await readAll(
      (after: { occurredAt: Date; id: string } | null) => pages.activitiesPage(brand, id, after, DATA_PAGE),
      (row) => ({ occurredAt: row.occurredAt, id: row.id }),
    );
    const changeEvents = await events.byCustomer(brand, id);
    return {
      exportedAt: new Date().toISOString(),
      customer: exportedCustomer(customer),
      channels: channels.map((channel) => ({
        id: channel.id,
        type: channel.type,
        value: channel.value,
        createdAt: channel.createdAt.toISOString(),
      })),
      flags: flags.map((flag) => ({ name: flag.name, addedAt: flag.addedAt.toISOString() })),
      activities: activities.map((activity) => ({
        id: activity.id,
        type: activity.type,
        origin: activity.origin,
        message: activity.message,
        initiatedBy: activity.initiatedBy,
        sourceUrl: activity.sourceUrl,
        data: activity.data,
        occurredAt: activity.occurredAt.toISOString(),
      })),
      events: changeEvents.map((event) => ({
        id: event.id,
        type: event.type,
        sequence: event.sequence,
        occurredAt: event.occurredAt.toISOString(),
        changedFields: event.changedFields,
        data: event.data,
      })),
    };
  }
}

/** Reads pages of DATA_PAGE rows, each after the last row of the one before, until one comes back short. */
async function readAll<T, K>(page: (after: K | null) => Promise<T[]>, keyOf: (row: T) => K): Promise<T[]> {
  const rows: T[] = [];
  let after: K | null = null;
  for (;;) {
    const next = await page(after);
    rows.push(...next);
    if (next.length < DATA_PAGE) return rows;
    after = keyOf(next[next.length - 1]!);
  }
}

import { EntityManager } from 'typeorm';
import { channelTerms, customerTerms, SearchableFields } from '../../core/search/search-text';
import { CustomerChannelEntity } from '../entities/customer-channel.entity';
import { CustomerEntity } from '../entities/customer.entity';
import { CustomerSearchTermEntity } from '../entities/customer-search-term.entity';
import { insertRows } from '../multi-row-insert';
import { readByKeys } from '../read-entities';

/** The `channel_id` of the terms of a customer's own fields. */
const OWN_FIELDS = '';

/** A customer's row as far as its terms go. */
export type SearchableCustomer = Pick<CustomerEntity, 'id' | 'brand'> & SearchableFields;

/** The search columns of `customers`: a write that sets any of them rewrites the customer's own terms. */
export const SEARCHABLE_COLUMNS = ['givenName', 'familyName', 'emailAddress', 'phoneNumber', 'externalId'] as const;

/** Whether a write from `before` to `after` changes what the customer's own terms are made of (channels aside). */
export function searchableChanged(
  before: Pick<CustomerEntity, (typeof SEARCHABLE_COLUMNS)[number]>,
  after: Pick<CustomerEntity, (typeof SEARCHABLE_COLUMNS)[number]>,
): boolean {
  return SEARCHABLE_COLUMNS.some((column) => before[column] !== after[column]);
}

/**
 * Every SQL statement about `customer_search_terms`. The customer and channel
 * repositories call it next to each of their writes, in the same transaction,
 * so no write path can leave the terms behind what a search must find.
 */
export class SearchTermRepository {
  constructor(private readonly manager: EntityManager) {}

  /** The terms of customers that have none yet (just inserted). */
  async insertForCustomers(customers: readonly SearchableCustomer[]): Promise<void> {
    await insertRows(this.manager, CustomerSearchTermEntity, customerTermRows(customers));
  }

  /** Rewrites the terms of these customers' own fields (their channels' terms stay). */
  async replaceForCustomers(customers: readonly SearchableCustomer[]): Promise<void> {
    for (const [brand, ids] of byBrand(customers)) {
      await readByKeys(ids, async (chunk) => {
        await this.manager.query(
          `DELETE FROM customer_search_terms WHERE brand = ? AND customer_id IN (${chunk.map(() => '?').join(', ')}) AND channel_id = ?`,
          [brand, ...chunk, OWN_FIELDS],
        );
        return [];
      });
    }
    await this.insertForCustomers(customers);
  }

  async insertForChannels(channels: readonly Pick<CustomerChannelEntity, 'id' | 'brand' | 'customerId' | 'type' | 'value'>[]): Promise<void> {
    const rows = channels.flatMap((channel) =>
      channelTerms(channel.type, channel.value).map((term) => ({
        brand: channel.brand,
        customerId: channel.customerId,
        channelId: channel.id,
        term,
      })),
    );
    await insertRows(this.manager, CustomerSearchTermEntity, rows);
  }

  async deleteForChannel(brand: string, customerId: string, channelId: string): Promise<void> {
    await this.manager.query('DELETE FROM customer_search_terms WHERE brand = ? AND customer_id = ? AND channel_id = ?', [
      brand,
      customerId,
      channelId,
    ]);
  }

  /** Every term of one customer; with `channelsOnly`, its channels' terms but not its own fields'. */
  async deleteByCustomer(brand: string, customerId: string, channelsOnly = false): Promise<void> {
    await this.manager.query(
      `DELETE FROM customer_search_terms WHERE brand = ? AND customer_id = ?${channelsOnly ? ' AND channel_id <> ?' : ''}`,
      channelsOnly ? [brand, customerId, OWN_FIELDS] : [brand, customerId],
    );
  }

  /**
   * Builds the terms of these customers again from what is stored (their rows
   * and channels): the migration's backfill and a merge, which moves channels
   * between customers. Customers that do not exist get no terms.
   */
  async rebuild(brand: string, customerIds: readonly string[]): Promise<void> {
    await readByKeys(customerIds, async (chunk) => {
      const marks = chunk.map(() => '?').join(', ');
      const customers: Array<{ id: string; given_name: string; family_name: string; email_address: string | null; phone_number: string | null; external_id: string | null }> =
        await this.manager.query(
          `SELECT id, given_name, family_name, email_address, phone_number, external_id FROM customers WHERE brand = ? AND id IN (${marks})`,
          [brand, ...chunk],
        );
      const channels: Array<{ id: string; customer_id: string; type: string; value: string }> = await this.manager.query(
        `SELECT id, customer_id, type, value FROM customer_channels WHERE brand = ? AND customer_id IN (${marks})`,
        [brand, ...chunk],
      );
      await this.manager.query(`DELETE FROM customer_search_terms WHERE brand = ? AND customer_id IN (${marks})`, [brand, ...chunk]);
      await this.insertForCustomers(
        customers.map((row) => ({
          id: row.id,
          brand,
          givenName: row.given_name,
          familyName: row.family_name,
          emailAddress: row.email_address,
          phoneNumber: row.phone_number,
          externalId: row.external_id,
        })),
      );
      await this.insertForChannels(
        channels.map((row) => ({ id: row.id, brand, customerId: row.customer_id, type: row.type as CustomerChannelEntity['type'], value: row.value })),
      );
      return [];
    });
  }
}

/** The term rows of customers' own fields. */
export function customerTermRows(customers: readonly SearchableCustomer[]): CustomerSearchTermEntity[] {
  return customers.flatMap((customer) =>
    customerTerms(customer).map((term) => ({ brand: customer.brand, customerId: customer.id, channelId: OWN_FIELDS, term })),
  );
}

function byBrand(customers: readonly SearchableCustomer[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const customer of customers) {
    const ids = groups.get(customer.brand);
    if (ids) ids.push(customer.id);
    else groups.set(customer.brand, [customer.id]);
  }
  return groups;
}

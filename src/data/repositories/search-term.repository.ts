import { EntityManager } from 'typeorm';
import { channelTerms, customerTerms, SearchableFields } from '../../core/search/search-text';
import { CustomerChannelEntity } from '../entities/customer-channel.entity';
import { CustomerEntity } from '../entities/customer.entity';
import { CustomerSearchTermEntity } from '../entities/customer-search-term.entity';
import { insertRows } from '../multi-row-insert';
import { readByKeys } from '../read-entities';

/** The `channel_id` of the terms of a customer's own fields. */
export const OWN_FIELDS = '';

/** What every term of a customer carries of the customer's row (see CustomerSearchTermEntity). */
export type TermOwner = Pick<CustomerEntity, 'createdAt' | 'deletedAt'>;

/** A customer's row as far as its terms go. */
export type SearchableCustomer = Pick<CustomerEntity, 'id' | 'brand'> & TermOwner & SearchableFields;

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

  /** The terms of new channels of `owner`, or of the customers `owner` maps their ids to. */
  async insertForChannels(channels: readonly SearchableChannel[], owner: TermOwner | ReadonlyMap<string, TermOwner>): Promise<void> {
    const ownerOf = (channel: SearchableChannel): TermOwner => {
      if (!(owner instanceof Map)) return owner as TermOwner;
      const found = (owner as ReadonlyMap<string, TermOwner>).get(channel.customerId);
      if (!found) throw new Error(`No owner given for the channels of customer ${channel.customerId}`);
      return found;
    };
    await insertRows(this.manager, CustomerSearchTermEntity, channelTermRows(channels, ownerOf));
  }

  /** Copies a change of these customers' `deleted_at` to all their terms (their channels' too). */
  async setDeletedAt(brand: string, customerIds: readonly string[], deletedAt: Date | null): Promise<void> {
    await readByKeys(customerIds, async (chunk) => {
      await this.manager
        .createQueryBuilder()
        .update(CustomerSearchTermEntity)
        .set({ deletedAt })
        .where('brand = :brand AND customer_id IN (:...chunk)', { brand, chunk })
        .execute();
      return [];
    });
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
}

/** The term rows of customers' own fields. */
export function customerTermRows(customers: readonly SearchableCustomer[]): CustomerSearchTermEntity[] {
  return customers.flatMap((customer) =>
    customerTerms(customer).map((term) => ({
      brand: customer.brand,
      customerId: customer.id,
      channelId: OWN_FIELDS,
      term,
      createdAt: customer.createdAt,
      deletedAt: customer.deletedAt,
    })),
  );
}

/** A channel as far as its terms go. */
type SearchableChannel = Pick<CustomerChannelEntity, 'id' | 'brand' | 'customerId' | 'type' | 'value'>;

/** The term rows of channels, each carrying what `ownerOf` says of its customer. */
function channelTermRows(channels: readonly SearchableChannel[], ownerOf: (channel: SearchableChannel) => TermOwner): CustomerSearchTermEntity[] {
  return channels.flatMap((channel) => {
    const owner = ownerOf(channel);
    return channelTerms(channel.type, channel.value).map((term) => ({
      brand: channel.brand,
      customerId: channel.customerId,
      channelId: channel.id,
      term,
      createdAt: owner.createdAt,
      deletedAt: owner.deletedAt,
    }));
  });
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

import { CustomerChannelEntity } from '../../data/entities/customer-channel.entity';
import { CustomerEntity } from '../../data/entities/customer.entity';
import { customerNotFound, FieldPath, UserError, userError } from '../../core/errors/user-error';
import { CustomerErrorCode } from '../../core/errors/customer-error-code';
import { Database, Repositories } from '../../data/database';
import { isUniqueViolation } from '../../data/transaction-runner';
import { ChannelType } from '../../core/channel-type';
import { checkChannelValue } from './channel.rules';
import { recordCustomerChange, SystemActivityType } from '../activity/activity-log';
import { newChannelId } from '../../core/customer-ids';

export interface ChannelRequest {
  type: ChannelType;
  value: string;
}

export interface ChannelResult {
  channel: CustomerChannelEntity | null;
  customer: CustomerEntity | null;
  userErrors: UserError[];
}

export interface CustomerChannelServiceDeps {
  database: Database;
  now?: () => Date;
}

/** Channels: values checked and normalised by type; one type+value stored once per customer. */
export class CustomerChannelService {
  private readonly database: Database;
  private readonly now: () => Date;

  constructor(deps: CustomerChannelServiceDeps) {
    this.database = deps.database;
    this.now = deps.now ?? (() => new Date());
  }

  /** Checks channels and drops repeats (after normalising), for a create or an add. */
  validate(channels: readonly ChannelRequest[], pathOf: (index: number) => FieldPath): { channels: ChannelRequest[]; errors: UserError[] } {
    const errors: UserError[] = [];
    const unique = new Map<string, ChannelRequest>();
    channels.forEach((channel, index) => {
      const checked = checkChannelValue(channel.type, channel.value);
      if (!checked.ok) {
        errors.push(userError([...pathOf(index), 'value'], checked.code, checked.message));
        return;
      }
      unique.set(`${channel.type}\u0000${checked.value}`, { type: channel.type, value: checked.value });
    });
    return { channels: [...unique.values()], errors };
  }

  /** Channel rows for a customer being created in the caller's transaction. */
  newChannels(customer: Pick<CustomerEntity, 'id' | 'brand'>, channels: readonly ChannelRequest[], now: Date): CustomerChannelEntity[] {
    return channels.map((channel) => ({
      id: newChannelId(now),
      customerId: customer.id,
      brand: customer.brand,
      type: channel.type,
      value: channel.value,
      createdAt: now,
    }));
  }

  /** Adds a channel; when the customer has the same type and value already, returns that one and changes nothing. */
  async add(brand: string, customerId: string, request: ChannelRequest): Promise<ChannelResult> {
    const { channels, errors } = this.validate([request], () => ['channel']);
    if (errors.length > 0) return { channel: null, customer: null, userErrors: errors };
    const channel = channels[0]!;
    return this.database.transaction(async (repositories) => {
      const customer = await repositories.customers.findByIdForUpdate(brand, customerId);
      if (!customer) return { channel: null, customer: null, userErrors: [customerNotFound()] };
      const now = this.now();
      const [row] = this.newChannels(customer, [channel], now);
      try {
        await repositories.channels.insert([row!], customer);
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        return { channel: await this.existing(repositories, brand, customerId, channel), customer, userErrors: [] };
      }
      const changed = await recordCustomerChange(
        repositories,
        customer,
        SystemActivityType.CHANNEL_ADDED,
        { channelId: row!.id, type: channel.type },
        now,
      );
      return { channel: row!, customer: changed, userErrors: [] };
    });
  }

  /** Removes a channel; an id that is not one of this customer's channels is NOT_FOUND. */
  async remove(
    brand: string,
    customerId: string,
    channelId: string,
  ): Promise<{ customer: CustomerEntity | null; userErrors: UserError[] }> {
    return this.database.transaction(async (repositories) => {
      const customer = await repositories.customers.findByIdForUpdate(brand, customerId);
      if (!customer) return { customer: null, userErrors: [customerNotFound()] };
      const channel = await repositories.channels.findOne(brand, customerId, channelId);
      if (!channel) {
        return {
          customer: null,
          userErrors: [userError(['channelId'], CustomerErrorCode.NOT_FOUND, 'This customer has no channel with this id.')],
        };
      }
      await repositories.channels.delete(brand, customerId, channelId);
      const now = this.now();
      const changed = await recordCustomerChange(
        repositories,
        customer,
        SystemActivityType.CHANNEL_REMOVED,
        { channelId, type: channel.type },
        now,
      );
      return { customer: changed, userErrors: [] };
    });
  }

  /** The channels of many customers, read in one statement per chunk of customers. */
  async byCustomers(
    brand: string,
    customerIds: readonly string[],
    type: ChannelType | null,
  ): Promise<Map<string, CustomerChannelEntity[]>> {
    const rows = await this.database.read.channels.findByCustomers(brand, customerIds, type);
    const byCustomer = new Map<string, CustomerChannelEntity[]>(customerIds.map((id) => [id, []]));
    for (const row of rows) byCustomer.get(row.customerId)?.push(row);
    return byCustomer;
  }

  private async existing(
    repositories: Repositories,
    brand: string,
    customerId: string,
    channel: ChannelRequest,
  ): Promise<CustomerChannelEntity | null> {
    return repositories.channels.findByValue(brand, customerId, channel.type, channel.value);
  }
}

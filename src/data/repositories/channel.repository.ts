import { EntityManager, SelectQueryBuilder } from 'typeorm';
import { CustomerChannelEntity } from '../entities/customer-channel.entity';
import { ChannelType } from '../../core/channel-type';
import { readByKeys, readEntities } from '../read-entities';
import { SearchTermRepository, TermOwner } from './search-term.repository';

/** Every SQL statement about `customer_channels`, scoped to one brand. */
export class ChannelRepository {
  /** Kept in step with every write below (see SearchTermRepository). */
  private readonly searchTerms: SearchTermRepository;

  constructor(private readonly manager: EntityManager) {
    this.searchTerms = new SearchTermRepository(manager);
  }

  /** The channels of many customers, one statement per chunk of customers; each customer's oldest first. */
  async findByCustomers(brand: string, customerIds: readonly string[], type: ChannelType | null): Promise<CustomerChannelEntity[]> {
    return readByKeys(customerIds, (chunk) => {
      const query = this.select(brand).andWhere('ch.customerId IN (:...customerIds)', { customerIds: chunk });
      if (type !== null) query.andWhere('ch.type = :type', { type });
      return readEntities(query.orderBy('ch.createdAt', 'ASC').addOrderBy('ch.id', 'ASC'));
    });
  }

  async findOne(brand: string, customerId: string, channelId: string): Promise<CustomerChannelEntity | null> {
    return this.select(brand).andWhere('ch.customerId = :customerId AND ch.id = :channelId', { customerId, channelId }).getOne();
  }

  async findByValue(brand: string, customerId: string, type: ChannelType, value: string): Promise<CustomerChannelEntity | null> {
    return this.select(brand)
      .andWhere('ch.customerId = :customerId AND ch.type = :type AND ch.value = :value', { customerId, type, value })
      .getOne();
  }

  /** New channels of `owner`, or of the customers `owner` maps their ids to (terms carry their creation and deletion times). */
  async insert(channels: CustomerChannelEntity[], owner: TermOwner | ReadonlyMap<string, TermOwner>): Promise<void> {
    if (channels.length === 0) return;
    await this.manager.createQueryBuilder().insert().into(CustomerChannelEntity).values(channels).execute();
    await this.searchTerms.insertForChannels(channels, owner);
  }

  /** Returns whether a row was deleted. */
  async delete(brand: string, customerId: string, channelId: string): Promise<boolean> {
    const result = await this.manager
      .createQueryBuilder()
      .delete()
      .from(CustomerChannelEntity)
      .where({ brand, customerId, id: channelId })
      .execute();
    await this.searchTerms.deleteForChannel(brand, customerId, channelId);
    return (result.affected ?? 0) > 0;
  }

  /** Erasure: every channel of one customer. */
  async deleteByCustomer(brand: string, customerId: string): Promise<void> {
    await this.manager
      .createQueryBuilder()
      .delete()
      .from(CustomerChannelEntity)
      .where({ brand, customerId })
      .execute();
    await this.searchTerms.deleteByCustomer(brand, customerId, true);
  }

  private select(brand: string): SelectQueryBuilder<CustomerChannelEntity> {
    return this.manager.createQueryBuilder(CustomerChannelEntity, 'ch').where('ch.brand = :brand', { brand });
  }
}

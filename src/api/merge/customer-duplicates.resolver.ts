import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { RequestContext } from '../context';
import { CustomerEntity } from '../../data/entities/customer.entity';
import { Customer } from '../customer/customer.type';

@Resolver(() => Customer)
export class CustomerDuplicatesResolver {
  /**
   * Two loaders, so a page of customers costs two statements: one reads every
   * parent's duplicate ids, one reads those customers.
   */
  @FieldResolver(() => [Customer], {
    description:
      'Other live customers of the brand that may be the same person: the same e-mail address (case-insensitive), the same phone number, or a channel value in common. Oldest first.',
  })
  async possibleDuplicates(
    @Root() customer: CustomerEntity,
    @Arg('first', () => Int, { nullable: true, description: 'How many; 10 when absent, at most 50.' }) first: number | null,
    @Ctx() { loaders }: RequestContext,
  ): Promise<CustomerEntity[]> {
    const ids = await loaders.possibleDuplicateIds(first ?? null).load(customer.id);
    const rows = await loaders.customerById.loadMany(ids);
    // A duplicate merged or purged between the two reads is left out.
    return rows.filter(
      (row): row is CustomerEntity => row !== null && !(row instanceof Error) && row.deletedAt === null && row.id !== customer.id,
    );
  }
}

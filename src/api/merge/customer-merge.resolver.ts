import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { RequiresScope } from '../requires-scope.decorator';
import { Scope } from '../../core/scopes';
import { RequestContext } from '../context';
import { MergeResult } from '../../domain/merge/customer-merge.service';
import { MergeCustomersInput } from './merge-customers.input';
import { MergeCustomersPayload } from './merge-customers.payload';

@Resolver()
export class CustomerMergeResolver {
  @RequiresScope(Scope.WRITE)
  @Mutation(() => MergeCustomersPayload, {
    description:
      'Merges one customer into another in one transaction: the survivor fills its empty fields and adds the metadata keys it lacks from the merged customer, unites channels and flags, takes its activities and records customer.merged; the merged id stays an alias that reads by id (customer, customers(filter: {ids}), _entities) answer with the survivor.',
  })
  mergeCustomers(
    @Arg('input', () => MergeCustomersInput, { description: 'The survivor and the customer merged into it.' }) input: MergeCustomersInput,
    @Ctx() { services, caller }: RequestContext,
  ): Promise<MergeResult> {
    return services.merges.merge(caller.brand, input);
  }
}

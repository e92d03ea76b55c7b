import { RequiresScope } from '../requires-scope.decorator';
import { Scope } from '../../core/scopes';
import { Arg, Args, Ctx, Query, Resolver } from 'type-graphql';
import { RequestContext } from '../context';
import { CustomerEntity } from '../../data/entities/customer.entity';
import { ConnectionValue } from '../../core/paging/connection';
import { Customer, CustomerConnection } from './customer.type';
import { CustomersArgs } from './customers.args';
import { CustomerLookupArgs } from './customer-lookup.args';
import { visibleCustomer } from '../../domain/customer/customer-fields.rules';

@Resolver()
export class CustomerQueryResolver {
  @RequiresScope(Scope.READ)
  @Query(() => Customer, { nullable: true, description: 'One customer by id; null when there is none (or it is deleted).' })
  async customer(@Args() { id, includeDeleted }: CustomerLookupArgs, @Ctx() { loaders }: RequestContext): Promise<CustomerEntity | null> {
    return visibleCustomer(await loaders.customerById.load(id), includeDeleted === true);
  }

  @RequiresScope(Scope.READ)
  @Query(() => Customer, { nullable: true, description: "One customer by the caller's own id for it; null when there is none." })
  customerByExternalId(
    @Arg('externalId', () => String, { description: 'The external id.' }) externalId: string,
    @Ctx() { services, caller }: RequestContext,
  ): Promise<CustomerEntity | null> {
    return services.customers.findByExternalId(caller.brand, externalId);
  }

  @RequiresScope(Scope.READ)
  @Query(() => CustomerConnection, { description: 'A page of customers matching the filter, in the given order.' })
  customers(@Args() args: CustomersArgs, @Ctx() { services, caller }: RequestContext): Promise<ConnectionValue<CustomerEntity>> {
    return services.customers.list(caller.brand, args);
  }
}

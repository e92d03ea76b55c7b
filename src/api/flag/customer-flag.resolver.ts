import { Args, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { RequiresScope } from '../requires-scope.decorator';
import { Scope } from '../../core/scopes';
import { RequestContext } from '../context';
import { RegisteredFlag } from '../../domain/flag/flag-registry';
import { CustomerResult } from '../../domain/customer/customer-result';
import { FlagDefinition } from './customer-flag.type';
import { CustomerPayload } from '../payloads';
import { CustomerFlagArgs } from './customer-flag.args';

@Resolver()
export class CustomerFlagResolver {
  @RequiresScope(Scope.READ)
  @Query(() => [FlagDefinition], { description: 'Every flag of the flag registry: the flags customers may carry.' })
  customerFlagDefinitions(@Ctx() { services }: RequestContext): readonly RegisteredFlag[] {
    return services.flags.definitions();
  }

  @RequiresScope(Scope.WRITE)
  @Mutation(() => CustomerPayload, {
    description: 'Adds a registry flag to a customer. Adding a flag the customer has changes nothing (no new version, no activity).',
  })
  addCustomerFlag(@Args() { customerId, flag }: CustomerFlagArgs, @Ctx() { services, caller }: RequestContext): Promise<CustomerResult> {
    return services.flags.add(caller.brand, customerId, flag);
  }

  @RequiresScope(Scope.WRITE)
  @Mutation(() => CustomerPayload, {
    description: 'Removes a flag from a customer. Removing a flag the customer lacks changes nothing (no new version, no activity).',
  })
  removeCustomerFlag(@Args() { customerId, flag }: CustomerFlagArgs, @Ctx() { services, caller }: RequestContext): Promise<CustomerResult> {
    return services.flags.remove(caller.brand, customerId, flag);
  }
}

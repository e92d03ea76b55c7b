import { Args, Ctx, Mutation, Resolver } from 'type-graphql';
import { RequiresScope } from '../auth/requires-scope.decorator';
import { Scope } from '../auth/scopes';
import { RequestContext } from '../context/request-context';
import { ChannelResult } from '../services/customer-channel.service';
import { CustomerResult } from '../services/customer.service';
import { CustomerChannelPayload, CustomerPayload } from '../types/payloads';
import { RemoveCustomerChannelArgs } from '../types/remove-customer-channel.args';
import { AddCustomerChannelArgs } from '../types/add-customer-channel.args';

@Resolver()
export class CustomerChannelResolver {
  @RequiresScope(Scope.WRITE)
  @Mutation(() => CustomerChannelPayload, {
    description:
      'Adds a channel to a customer. A channel with the same type and value is stored once: adding it again returns it unchanged.',
  })
  addCustomerChannel(
    @Args() { customerId, channel }: AddCustomerChannelArgs,
    @Ctx() { services, caller }: RequestContext,
  ): Promise<ChannelResult> {
    return services.channels.add(caller.brand, customerId, channel);
  }

  @RequiresScope(Scope.WRITE)
  @Mutation(() => CustomerPayload, { description: "Removes one of a customer's channels." })
  removeCustomerChannel(
    @Args() { customerId, channelId }: RemoveCustomerChannelArgs,
    @Ctx() { services, caller }: RequestContext,
  ): Promise<CustomerResult> {
    return services.channels.remove(caller.brand, customerId, channelId);
  }
}

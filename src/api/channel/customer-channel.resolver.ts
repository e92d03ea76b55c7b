import { Args, Ctx, Mutation, Resolver } from 'type-graphql';
import { RequiresScope } from '../requires-scope.decorator';
import { Scope } from '../../core/scopes';
import { RequestContext } from '../context';
import { ChannelResult } from '../../domain/channel/customer-channel.service';
import { CustomerResult } from '../../domain/customer/customer-result';
import { CustomerChannelPayload, CustomerPayload } from '../payloads';
import { RemoveCustomerChannelArgs } from './remove-customer-channel.args';
import { AddCustomerChannelArgs } from './add-customer-channel.args';

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

import { Arg, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { RequiresScope } from '../auth/requires-scope.decorator';
import { Scope } from '../auth/scopes';
import { RequestContext } from '../context/request-context';
import { ChannelResult } from '../services/customer-channel.service';
import { CustomerResult } from '../services/customer.service';
import { ChannelInput } from '../types/customer-channel.type';
import { CustomerChannelPayload, CustomerPayload } from '../types/payloads';

@Resolver()
export class CustomerChannelResolver {
  @RequiresScope(Scope.WRITE)
  @Mutation(() => CustomerChannelPayload, {
    description:
      'Adds a channel to a customer. A channel with the same type and value is stored once: adding it again returns it unchanged.',
  })
  addCustomerChannel(
    @Arg('customerId', () => ID, { description: 'The customer.' }) customerId: string,
    @Arg('channel', () => ChannelInput, { description: 'The channel to add.' }) channel: ChannelInput,
    @Ctx() { services, caller }: RequestContext,
  ): Promise<ChannelResult> {
    return services.channels.add(caller.brand, customerId, channel);
  }

  @RequiresScope(Scope.WRITE)
  @Mutation(() => CustomerPayload, { description: "Removes one of a customer's channels." })
  removeCustomerChannel(
    @Arg('customerId', () => ID, { description: 'The customer.' }) customerId: string,
    @Arg('channelId', () => ID, { description: 'The channel to remove.' }) channelId: string,
    @Ctx() { services, caller }: RequestContext,
  ): Promise<CustomerResult> {
    return services.channels.remove(caller.brand, customerId, channelId);
  }
}

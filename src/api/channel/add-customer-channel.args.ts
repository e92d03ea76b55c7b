import { ArgsType, Field, ID } from 'type-graphql';
import { ChannelInput } from './channel.input';

@ArgsType()
export class AddCustomerChannelArgs {
  @Field(() => ID, { description: 'The customer.' })
  customerId!: string;

  @Field(() => ChannelInput, { description: 'The channel to add.' })
  channel!: ChannelInput;
}

import { ArgsType, Field, ID } from 'type-graphql';

@ArgsType()
export class RemoveCustomerChannelArgs {
  @Field(() => ID, { description: 'The customer.' })
  customerId!: string;

  @Field(() => ID, { description: 'The channel to remove.' })
  channelId!: string;
}

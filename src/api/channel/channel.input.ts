import { Field, InputType } from 'type-graphql';
import { ChannelType } from '../../core/channel-type';
import { ChannelRequest } from '../../domain/channel/customer-channel.service';

@InputType({ description: 'A channel to add to a customer.' })
export class ChannelInput implements ChannelRequest {
  @Field(() => ChannelType, { description: 'What kind of channel this is.' })
  type!: ChannelType;

  @Field({
    description: 'EMAIL: an e-mail address; TELEPHONE and WHATSAPP: a phone number (stored as E.164); others: 1–255 characters.',
  })
  value!: string;
}

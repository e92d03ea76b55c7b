import { ReadRequiresScope } from '../requires-scope.decorator';
import { Scope } from '../../core/scopes';
import { Field, ID, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../scalars';
import { ChannelType } from '../../core/channel-type';

@ReadRequiresScope(Scope.READ)
@ObjectType({ description: 'One way to reach a customer.', simpleResolvers: true })
export class CustomerChannel {
  @Field(() => ID, { description: 'The channel id: "chn_" followed by a ULID.' })
  id!: string;

  @Field(() => ChannelType, { description: 'What kind of channel this is.' })
  type!: ChannelType;

  @Field({ description: 'The address, number or handle; e-mail as given, TELEPHONE and WHATSAPP in E.164.' })
  value!: string;

  @Field(() => DateTimeScalar, { description: 'When the channel was added.' })
  createdAt!: Date;
}

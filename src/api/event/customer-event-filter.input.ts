import { Field, ID, InputType } from 'type-graphql';
import { CustomerEventType } from '../../core/customer-event-type';
import { DateTimeScalar } from '../scalars';

@InputType({ description: 'Which events to list. All given conditions must hold.' })
export class CustomerEventFilter {
  @Field(() => ID, { nullable: true, description: "Only this customer's events." })
  customerId?: string | null;

  @Field(() => [CustomerEventType], { nullable: true, description: 'Only events of these types.' })
  types?: CustomerEventType[] | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Only events that occurred after this instant.' })
  occurredAfter?: Date | null;
}

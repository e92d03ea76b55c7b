import { Field, ID, Int, ObjectType } from 'type-graphql';
import { CustomerEventType } from '../../core/customer-event-type';
import { DateTimeScalar, JSONObjectScalar } from '../scalars';
import { connectionTypes } from '../connection';

@ObjectType({ description: 'One change to a customer, in the change feed and on the event stream.' })
export class CustomerEvent {
  @Field(() => ID, { description: 'The event id, "evt_" and a ULID; consumers deduplicate on it.' })
  id!: string;

  @Field(() => CustomerEventType, { description: 'What happened.' })
  type!: CustomerEventType;

  @Field(() => ID, { description: 'The customer it happened to.' })
  customerId!: string;

  @Field(() => Int, { description: "The event's number among its customer's events: 1, 2, 3, … in commit order, without gaps." })
  sequence!: number;

  @Field(() => DateTimeScalar, { description: 'When the change was made.' })
  occurredAt!: Date;

  @Field(() => [String], { description: 'For UPDATED, the names of the fields that changed (e.g. "emailAddress"); otherwise empty.' })
  changedFields!: string[];

  @Field(() => JSONObjectScalar, {
    description: 'Ids that go with the event (`flag`, `channelId`, `activityId`, `mergedCustomerId`, `survivorId`); never personal data.',
  })
  data!: Record<string, string>;
}

export const { Edge: CustomerEventEdge, Connection: CustomerEventConnection } = connectionTypes(CustomerEvent, 'CustomerEvent', 'events', {
  totalCount: false,
});

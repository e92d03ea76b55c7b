import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { CustomerEventType } from '../../core/customer-event-type';
import { DateTimeScalar, JSONObjectScalar } from '../scalars';
import { connectionTypes } from '../connection';

registerEnumType(CustomerEventType, {
  name: 'CustomerEventType',
  description: 'What happened to a customer.',
  valuesConfig: {
    CREATED: { description: 'The customer was created (createCustomer, an upsert or an import that found none).' },
    UPDATED: { description: 'Fields of the customer changed; `changedFields` names them.' },
    DELETED: { description: 'The customer was soft-deleted.' },
    RESTORED: { description: 'A soft-deleted customer came back (an upsert by its external id).' },
    PURGED: { description: 'The customer was erased for good; every earlier event of it is gone, and copies elsewhere should go too.' },
    MERGED: { description: 'Another customer was merged into this one (`data.mergedCustomerId`).' },
    FLAG_ADDED: { description: 'The customer got a flag (`data.flag`).' },
    FLAG_REMOVED: { description: 'The customer lost a flag (`data.flag`).' },
    CHANNEL_ADDED: { description: 'A contact channel was added (`data.channelId`).' },
    CHANNEL_REMOVED: { description: 'A contact channel was removed (`data.channelId`).' },
    ACTIVITY_RECORDED: { description: "Another system recorded an activity in the customer's timeline (`data.activityId`)." },
  },
});

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

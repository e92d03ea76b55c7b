import { ReadRequiresScope } from '../requires-scope.decorator';
import { Scope } from '../../core/scopes';
import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { DateTimeScalar, JSONObjectScalar } from '../scalars';
import { ActivityOrigin } from '../../core/activity-origin';
import { connectionTypes } from '../connection';
import { ActivityListFilter, RecordActivityFields } from '../../domain/activity/activity-inputs';

@ReadRequiresScope(Scope.READ)
@ObjectType({ description: "One event in a customer's timeline." })
export class CustomerActivity {
  @Field(() => ID, { description: 'The activity id: "act_" followed by a ULID.' })
  id!: string;

  @Field({
    description:
      "SYSTEM: customer.created, customer.updated, customer.deleted, customer.flag_added, customer.flag_removed, customer.channel_added or customer.channel_removed; EXTERNAL: the recording system's own type.",
  })
  type!: string;

  @Field(() => ActivityOrigin, { description: 'Whether this service or another system wrote the activity.' })
  origin!: ActivityOrigin;

  @Field(() => String, { nullable: true, description: 'A human-readable description.' })
  message!: string | null;

  @Field(() => String, { nullable: true, description: 'Who or what caused the activity.' })
  initiatedBy!: string | null;

  @Field(() => String, { nullable: true, description: 'Where the activity can be seen in the system that recorded it.' })
  sourceUrl!: string | null;

  @Field(() => JSONObjectScalar, { description: 'Details, e.g. {"changedFields":["emailAddress"]} for customer.updated.' })
  data!: Record<string, unknown>;

  @Field(() => DateTimeScalar, { description: 'When the activity happened.' })
  occurredAt!: Date;
}

export const { Edge: CustomerActivityEdge, Connection: CustomerActivityConnection } = connectionTypes(
  CustomerActivity,
  'CustomerActivity',
  'activities',
);

@InputType({ description: 'Which activities to list.' })
export class CustomerActivityFilter implements ActivityListFilter {
  @Field(() => [String], { nullable: true, description: 'Only activities of these types.' })
  types?: string[] | null;

  @Field(() => ActivityOrigin, { nullable: true, description: 'Only activities of this origin.' })
  origin?: ActivityOrigin | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Only activities that occurred strictly after this instant.' })
  occurredAfter?: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Only activities that occurred strictly before this instant.' })
  occurredBefore?: Date | null;
}

@InputType({ description: "An event another system records in a customer's timeline." })
export class RecordCustomerActivityInput implements RecordActivityFields {
  @Field(() => ID, { description: 'The customer the activity is about.' })
  customerId!: string;

  @Field({ description: 'The activity type, 1–64 characters, e.g. "order.placed". Types starting with "customer." are reserved.' })
  type!: string;

  @Field(() => String, { nullable: true, description: 'A human-readable description; at most 2000 characters.' })
  message?: string | null;

  @Field(() => String, { nullable: true, description: 'Who or what caused the activity; at most 255 characters.' })
  initiatedBy?: string | null;

  @Field(() => String, { nullable: true, description: 'An http(s) URL where the activity can be seen; at most 2048 characters.' })
  sourceUrl?: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the activity happened; now when absent.' })
  occurredAt?: Date | null;

  @Field(() => JSONObjectScalar, { nullable: true, description: 'Details: a JSON object of at most 16 KiB.' })
  data?: Record<string, unknown> | null;
}

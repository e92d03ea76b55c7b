import { ReadRequiresScope } from '../requires-scope.decorator';
import { Scope } from '../../core/scopes';
import { Field, ID, ObjectType } from 'type-graphql';
import { DateTimeScalar, JSONObjectScalar } from '../scalars';
import { ActivityOrigin } from '../../core/activity-origin';
import { connectionTypes } from '../connection';

@ReadRequiresScope(Scope.READ)
@ObjectType({ description: "One event in a customer's timeline.", simpleResolvers: true })
export class CustomerActivity {
  @Field(() => ID, { description: 'The activity id: "act_" followed by a ULID.' })
  id!: string;

  @Field({
    description:
      "SYSTEM: customer.created, customer.updated, customer.deleted, customer.flag_added, customer.flag_removed, customer.channel_added, customer.channel_removed or customer.merged; EXTERNAL: the recording system's own type.",
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

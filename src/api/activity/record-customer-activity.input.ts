import { Field, ID, InputType } from 'type-graphql';
import { RecordActivityFields } from '../../domain/activity/activity-inputs';
import { DateTimeScalar, JSONObjectScalar } from '../scalars';

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

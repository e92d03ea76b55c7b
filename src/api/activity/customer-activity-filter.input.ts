import { Field, InputType } from 'type-graphql';
import { ActivityOrigin } from '../../core/activity-origin';
import { ActivityListFilter } from '../../domain/activity/activity-inputs';
import { DateTimeScalar } from '../scalars';

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

import { ArgsType, Field, Int } from 'type-graphql';
import { CustomerActivityFilter } from './activity/customer-activity-filter.input';

@ArgsType()
export class CustomerFlagsArgs {
  @Field(() => Int, { nullable: true, description: 'This many flags after `after` (default 50, at most 100).' })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'Cursor to page forward from (an endCursor of this customer).' })
  after?: string | null;
}

@ArgsType()
export class CustomerActivitiesArgs {
  @Field(() => Int, { nullable: true, description: 'Page forward: this many activities after `after` (default 50, at most 100).' })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'Cursor to page forward from (an endCursor of this customer).' })
  after?: string | null;

  @Field(() => Int, { nullable: true, description: 'Page backward: this many activities before `before` (at most 100).' })
  last?: number | null;

  @Field(() => String, { nullable: true, description: 'Cursor to page backward from (a startCursor of this customer).' })
  before?: string | null;

  @Field(() => CustomerActivityFilter, { nullable: true, description: 'Which activities to list; all when absent.' })
  filter?: CustomerActivityFilter | null;
}

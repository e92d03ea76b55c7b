import { ArgsType, Field, Int } from 'type-graphql';
import { CustomerEventFilter } from './customer-event-filter.input';

@ArgsType()
export class CustomerEventsArgs {
  @Field(() => Int, { nullable: true, description: 'This many events after `after` (default 50, at most 1000).' })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'Cursor to continue from: the `endCursor` a consumer stored.' })
  after?: string | null;

  @Field(() => CustomerEventFilter, { nullable: true, description: 'Which events to list; every event of the brand when absent.' })
  filter?: CustomerEventFilter | null;
}

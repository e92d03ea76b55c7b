import { ArgsType, Field, Int } from 'type-graphql';
import { CustomerFilter } from './customer-filter.input';
import { CustomerOrder } from './customer-order.input';

@ArgsType()
export class CustomersArgs {
  @Field(() => Int, { nullable: true, description: 'Page forward: this many customers after `after` (default 50, at most 1000).' })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'Cursor to page forward from (an endCursor).' })
  after?: string | null;

  @Field(() => Int, { nullable: true, description: 'Page backward: this many customers before `before` (at most 1000).' })
  last?: number | null;

  @Field(() => String, { nullable: true, description: 'Cursor to page backward from (a startCursor).' })
  before?: string | null;

  @Field(() => CustomerFilter, { nullable: true, description: 'Which customers to list; every customer of the brand when absent.' })
  filter?: CustomerFilter | null;

  @Field(() => CustomerOrder, { nullable: true, description: 'The order of the list; CREATED_AT ASC when absent.' })
  orderBy?: CustomerOrder | null;
}

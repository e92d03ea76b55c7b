import { Args, Ctx, Query, Resolver } from 'type-graphql';
import { RequiresScope } from '../requires-scope.decorator';
import { Scope } from '../../core/scopes';
import { RequestContext } from '../context';
import { NumberedCustomerEvent } from '../../data/repositories/event.repository';
import { ConnectionValue } from '../../core/paging/connection';
import { CustomerEventConnection } from './customer-event.type';
import { CustomerEventsArgs } from './customer-events.args';

@Resolver()
export class CustomerEventResolver {
  @RequiresScope(Scope.READ)
  @Query(() => CustomerEventConnection, {
    description:
      "The brand's change feed, oldest first. Store `endCursor` and ask again with `after`: every event arrives exactly once, each customer's in `sequence` order, also while changes commit.",
  })
  customerEvents(
    @Args() args: CustomerEventsArgs,
    @Ctx() { services, caller }: RequestContext,
  ): Promise<ConnectionValue<NumberedCustomerEvent>> {
    return services.events.feed(caller.brand, args);
  }
}

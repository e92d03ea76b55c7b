import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { RequiresScope } from '../requires-scope.decorator';
import { Scope } from '../../core/scopes';
import { RequestContext } from '../context';
import { ActivityResult } from '../../domain/activity/customer-activity.service';
import { RecordCustomerActivityInput } from './record-customer-activity.input';
import { CustomerActivityPayload } from '../payloads';

@Resolver()
export class CustomerActivityResolver {
  @RequiresScope(Scope.WRITE)
  @Mutation(() => CustomerActivityPayload, {
    description: "Records an event from another system in a customer's timeline (origin EXTERNAL). The customer's version does not change.",
  })
  recordCustomerActivity(
    @Arg('input', () => RecordCustomerActivityInput, { description: 'The event.' }) input: RecordCustomerActivityInput,
    @Ctx() { services, caller }: RequestContext,
  ): Promise<ActivityResult> {
    return services.activities.record(caller.brand, input);
  }
}

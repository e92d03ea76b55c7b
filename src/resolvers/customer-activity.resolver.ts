import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { RequiresScope } from '../auth/requires-scope.decorator';
import { Scope } from '../auth/scopes';
import { RequestContext } from '../context/request-context';
import { ActivityResult } from '../services/customer-activity.service';
import { RecordCustomerActivityInput } from '../types/customer-activity.type';
import { CustomerActivityPayload } from '../types/payloads';

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

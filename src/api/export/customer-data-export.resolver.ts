import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { RequiresScope } from '../requires-scope.decorator';
import { Scope } from '../../core/scopes';
import { RequestContext } from '../context';
import { JSONObjectScalar } from '../scalars';

@Resolver()
export class CustomerDataExportResolver {
  @RequiresScope(Scope.READ)
  @Query(() => JSONObjectScalar, {
    nullable: true,
    description:
      "Everything held about one customer of the brand (also a soft-deleted one), for a data subject's access request: `customer` (its fields), `channels`, `flags`, `activities` (oldest first) and `events` (its change feed entries). Null when the brand has no customer with this id.",
  })
  customerDataExport(
    @Arg('id', () => ID, { description: 'The customer id.' }) id: string,
    @Ctx() { services, caller }: RequestContext,
  ): Promise<Record<string, unknown> | null> {
    return services.exports.dataExport(caller.brand, id);
  }
}

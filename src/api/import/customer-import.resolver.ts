import { Arg, Args, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { RequiresScope } from '../requires-scope.decorator';
import { Scope } from '../../core/scopes';
import { RequestContext } from '../context';
import { ConnectionValue } from '../../core/paging/connection';
import { CustomerImportErrorEntity } from '../../data/entities/customer-import-error.entity';
import { CustomerImportView } from '../../domain/import/customer-import.service';
import { CustomerImport, CustomerImportErrorConnection } from './customer-import.type';
import { CustomerImportErrorsArgs } from './customer-import-errors.args';

@Resolver(() => CustomerImport)
export class CustomerImportResolver {
  @RequiresScope(Scope.READ)
  @Query(() => CustomerImport, {
    nullable: true,
    description: "One of the brand's CSV imports; null when the brand has none with this id.",
  })
  customerImport(
    @Arg('id', () => ID, { description: 'The import id that `POST /imports/customers` answered.' }) id: string,
    @Ctx() { services, caller }: RequestContext,
  ): Promise<CustomerImportView | null> {
    return services.imports.find(caller.brand, id);
  }

  @FieldResolver(() => CustomerImportErrorConnection, { description: 'The refused rows, in row order.' })
  errors(
    @Root() job: CustomerImportView,
    @Args() args: CustomerImportErrorsArgs,
    @Ctx() { services }: RequestContext,
  ): Promise<ConnectionValue<CustomerImportErrorEntity>> {
    return services.imports.errors(job.id, args);
  }
}

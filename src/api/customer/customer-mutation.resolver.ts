import { RequiresScope } from '../requires-scope.decorator';
import { Scope } from '../../core/scopes';
import { Arg, Args, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { RequestContext } from '../context';
import { UpdateCustomerInput, UpsertCustomerInput } from './customer.inputs';
import { CustomerPayload, DeleteCustomerPayload, UpsertCustomerPayload, UpsertCustomersPayload } from '../payloads';
import { CustomerResult } from '../../domain/customer/customer-result';
import { UpsertResult } from '../../domain/customer/customer-upsert';
import { UserError } from '../../core/errors/user-error';
import { CreateCustomerArgs } from './create-customer.args';

@Resolver()
export class CustomerMutationResolver {
  @RequiresScope(Scope.WRITE)
  @Mutation(() => CustomerPayload, { description: "Creates a customer in the caller's brand." })
  createCustomer(
    @Args() { input, idempotencyKey }: CreateCustomerArgs,
    @Ctx() { services, caller }: RequestContext,
  ): Promise<CustomerResult> {
    return services.customers.create(caller.brand, input, idempotencyKey ?? null);
  }

  @RequiresScope(Scope.WRITE)
  @Mutation(() => CustomerPayload, { description: 'Changes the given fields of a customer; absent fields stay as they are.' })
  updateCustomer(
    @Arg('input', () => UpdateCustomerInput, { description: 'The id and the fields to change.' }) input: UpdateCustomerInput,
    @Ctx() { services, caller }: RequestContext,
  ): Promise<CustomerResult> {
    return services.customers.update(caller.brand, input);
  }

  @RequiresScope(Scope.WRITE)
  @Mutation(() => UpsertCustomerPayload, { description: "Updates the customer with this externalId in the caller's brand, or creates it." })
  upsertCustomer(
    @Arg('input', () => UpsertCustomerInput, { description: 'The customer, matched on externalId.' }) input: UpsertCustomerInput,
    @Ctx() { services, caller }: RequestContext,
  ): Promise<UpsertResult> {
    return services.customers.upsert(caller.brand, input);
  }

  @RequiresScope(Scope.WRITE)
  @Mutation(() => UpsertCustomersPayload, {
    description: 'Upserts up to 1000 customers in one transaction, with one result per input. Inputs with errors are skipped.',
  })
  upsertCustomers(
    @Arg('inputs', () => [UpsertCustomerInput], { description: 'The customers, each matched on externalId; at most 1000.' })
    inputs: UpsertCustomerInput[],
    @Ctx() { services, caller }: RequestContext,
  ): Promise<{ results: Array<UpsertResult & { index: number }>; userErrors: UserError[] }> {
    return services.customers.upsertMany(caller.brand, inputs);
  }

  @RequiresScope(Scope.WRITE)
  @Mutation(() => DeleteCustomerPayload, {
    description: 'Soft-deletes a customer: it disappears from queries but still resolves as an entity, with deletedAt set.',
  })
  deleteCustomer(
    @Arg('id', () => ID, { description: 'The customer to delete.' }) id: string,
    @Ctx() { services, caller }: RequestContext,
  ): Promise<{ deletedCustomerId: string | null; userErrors: UserError[] }> {
    return services.customers.softDelete(caller.brand, id);
  }

  @RequiresScope(Scope.PURGE)
  @Mutation(() => DeleteCustomerPayload, {
    description:
      'Erases a customer for good (GDPR), also when soft-deleted: the customer and its channels, flags, activities and idempotency keys. It no longer resolves as an entity.',
  })
  purgeCustomer(
    @Arg('id', () => ID, { description: 'The customer to erase.' }) id: string,
    @Ctx() { services, caller }: RequestContext,
  ): Promise<{ deletedCustomerId: string | null; userErrors: UserError[] }> {
    return services.customers.purge(caller.brand, id);
  }
}

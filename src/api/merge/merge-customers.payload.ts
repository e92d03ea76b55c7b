import { Authorized, Field, ID, ObjectType } from 'type-graphql';
import { Scope } from '../../core/scopes';
import { Customer } from '../customer/customer.type';
import { CustomerUserError } from '../payloads';

@ObjectType({ description: 'The result of merging two customers.' })
export class MergeCustomersPayload {
  @Authorized(Scope.READ)
  @Field(() => Customer, { nullable: true, description: 'The survivor after the merge; null when it was refused.' })
  customer!: Customer | null;

  @Field(() => ID, { nullable: true, description: 'The id that was merged (now an alias of the survivor); null when refused.' })
  mergedCustomerId!: string | null;

  @Field(() => [CustomerUserError], { description: 'Why the merge was refused; empty on success. Nothing is written when present.' })
  userErrors!: CustomerUserError[];
}

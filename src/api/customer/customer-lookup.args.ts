import { ArgsType, Field, ID } from 'type-graphql';

/**
 * Arguments of `customer`. (Arguments are declared as classes wherever a field
 * takes more than one, so the schema lists them in the order written here.)
 */
@ArgsType()
export class CustomerLookupArgs {
  @Field(() => ID, { description: 'The customer id.' })
  id!: string;

  @Field(() => Boolean, { nullable: true, description: 'Return the customer even when soft-deleted.' })
  includeDeleted?: boolean | null;
}

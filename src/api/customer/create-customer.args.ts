import { ArgsType, Field } from 'type-graphql';
import { CreateCustomerInput } from './customer.inputs';

@ArgsType()
export class CreateCustomerArgs {
  @Field(() => CreateCustomerInput, { description: 'The new customer.' })
  input!: CreateCustomerInput;

  @Field(() => String, {
    nullable: true,
    description: 'A key of 1–255 characters: a retry with the same key and input within 24 hours returns the customer it created.',
  })
  idempotencyKey?: string | null;
}

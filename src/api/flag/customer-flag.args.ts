import { ArgsType, Field, ID } from 'type-graphql';

/** Arguments of `addCustomerFlag` and `removeCustomerFlag`. */
@ArgsType()
export class CustomerFlagArgs {
  @Field(() => ID, { description: 'The customer.' })
  customerId!: string;

  @Field(() => String, { description: 'The flag name; must be in the registry and not read-only.' })
  flag!: string;
}

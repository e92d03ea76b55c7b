import { Authorized, Field, ID, Int, ObjectType } from 'type-graphql';
import { Scope } from '../core/scopes';
import { CustomerErrorCode } from '../core/errors/customer-error-code';
import { Customer } from './customer/customer.type';
import { CustomerActivity } from './activity/customer-activity.type';
import { CustomerChannel } from './channel/customer-channel.type';

@ObjectType({ description: 'Why part of a mutation input was refused. Nothing is written when a payload has userErrors.' })
export class CustomerUserError {
  @Field(() => [String], { nullable: true, description: 'Path into the mutation arguments, e.g. ["input", "emailAddress"].' })
  field!: string[] | null;

  @Field({ description: 'What is wrong, for a person to read.' })
  message!: string;

  @Field(() => CustomerErrorCode, { description: 'What is wrong, for a program to act on.' })
  code!: CustomerErrorCode;
}

/*
 * Payload fields that carry customer data need `customer:read` as well as the
 * mutation's own scope: a write-only token changes customers without reading them.
 */

@ObjectType({ description: 'The result of a mutation on one customer.' })
export class CustomerPayload {
  @Authorized(Scope.READ)
  @Field(() => Customer, { nullable: true, description: 'The customer after the mutation; null when it failed.' })
  customer!: Customer | null;

  @Field(() => [CustomerUserError], { description: 'Why the mutation was refused; empty on success.' })
  userErrors!: CustomerUserError[];
}

@ObjectType({ description: 'The result of upserting one customer.' })
export class UpsertCustomerPayload {
  @Authorized(Scope.READ)
  @Field(() => Customer, { nullable: true, description: 'The customer after the upsert; null when it failed.' })
  customer!: Customer | null;

  @Field({ description: 'True when a new customer was created, false when an existing one was updated.' })
  created!: boolean;

  @Field(() => [CustomerUserError], { description: 'Why the upsert was refused; empty on success.' })
  userErrors!: CustomerUserError[];
}

@ObjectType({ description: 'The result of deleting a customer.' })
export class DeleteCustomerPayload {
  @Field(() => ID, { nullable: true, description: 'The id of the deleted customer; null when nothing was deleted.' })
  deletedCustomerId!: string | null;

  @Field(() => [CustomerUserError], { description: 'Why the deletion was refused; empty on success.' })
  userErrors!: CustomerUserError[];
}

@ObjectType({ description: 'The outcome for one input of a bulk upsert.' })
export class UpsertCustomersResult {
  @Field(() => Int, { description: 'Position of the input in `inputs`, from 0.' })
  index!: number;

  @Authorized(Scope.READ)
  @Field(() => Customer, { nullable: true, description: 'The customer after the upsert; null when this input failed.' })
  customer!: Customer | null;

  @Field({ description: 'True when a new customer was created.' })
  created!: boolean;

  @Field(() => [CustomerUserError], { description: 'Why this input was refused; its `field` paths start with ["inputs", index].' })
  userErrors!: CustomerUserError[];
}

@ObjectType({ description: 'The result of a bulk upsert.' })
export class UpsertCustomersPayload {
  @Field(() => [UpsertCustomersResult], { description: 'One result per input, in input order.' })
  results!: UpsertCustomersResult[];

  @Field(() => [CustomerUserError], {
    description: 'Errors about the request as a whole (such as too many inputs); nothing is written when present.',
  })
  userErrors!: CustomerUserError[];
}

@ObjectType({ description: 'The result of adding a channel to a customer.' })
export class CustomerChannelPayload {
  @Authorized(Scope.READ)
  @Field(() => CustomerChannel, {
    nullable: true,
    description: 'The channel (the existing one when the customer already had it); null when refused.',
  })
  channel!: CustomerChannel | null;

  @Authorized(Scope.READ)
  @Field(() => Customer, { nullable: true, description: 'The customer after the change; null when refused.' })
  customer!: Customer | null;

  @Field(() => [CustomerUserError], { description: 'Why the mutation was refused; empty on success.' })
  userErrors!: CustomerUserError[];
}

@ObjectType({ description: 'The result of recording an activity.' })
export class CustomerActivityPayload {
  @Authorized(Scope.READ)
  @Field(() => CustomerActivity, { nullable: true, description: 'The recorded activity; null when refused.' })
  activity!: CustomerActivity | null;

  @Field(() => [CustomerUserError], { description: 'Why the mutation was refused; empty on success.' })
  userErrors!: CustomerUserError[];
}

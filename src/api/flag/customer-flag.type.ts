import { ReadRequiresScope } from '../requires-scope.decorator';
import { Scope } from '../../core/scopes';
import { Field, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../scalars';
import { connectionTypes } from '../connection';
import { RegisteredFlag } from '../../domain/flag/flag-registry';

@ObjectType({ description: 'A flag from the flag registry, as customers may carry it.', simpleResolvers: true })
export class FlagDefinition implements RegisteredFlag {
  @Field({ description: 'The flag name, e.g. "vip".' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'What the flag means.' })
  description!: string | null;

  @Field({ description: 'True when only other systems (not this API) may add or remove the flag.' })
  readOnly!: boolean;
}

@ReadRequiresScope(Scope.READ)
@ObjectType({ description: 'A flag a customer carries.', simpleResolvers: true })
export class CustomerFlag {
  @Field({ description: 'The flag name, e.g. "vip".' })
  name!: string;

  @Field(() => String, {
    nullable: true,
    description: 'What the flag means, from the registry; null when the registry no longer lists it.',
  })
  description!: string | null;

  @Field({ description: 'True when the flag cannot be added or removed through this API.' })
  readOnly!: boolean;

  @Field(() => DateTimeScalar, { description: 'When the customer got the flag.' })
  addedAt!: Date;
}

export const { Edge: CustomerFlagEdge, Connection: CustomerFlagConnection } = connectionTypes(CustomerFlag, 'CustomerFlag', 'flags');

import { ReadRequiresScope } from '../requires-scope.decorator';
import { Scope } from '../../core/scopes';
import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar, JSONObjectScalar } from '../scalars';
import { connectionTypes } from '../connection';

/**
 * The GraphQL shape of a customer. Resolvers return `CustomerEntity` rows, whose
 * properties carry these names; internal columns (brand, match keys) have no field.
 */
// `simpleResolvers`: the columns resolve with graphql-js's default resolver instead of a type-graphql wrapper per field
// and row (lists resolve them for every row). That wrapper is what checks @Authorized, so no field of such a type may
// carry it (the schema test holds every type to that).
@Directive('@key(fields: "id")')
@ReadRequiresScope(Scope.READ)
@ObjectType({ description: 'A person registered with the business. Owned by this subgraph.', simpleResolvers: true })
export class Customer {
  @Field(() => ID, { description: 'The customer\'s id: "cus_" followed by a 26-character ULID. Opaque to clients.' })
  id!: string;

  @Field(() => String, {
    nullable: true,
    description: "The caller's own id for this customer (the source system's id); unique within a brand.",
  })
  externalId!: string | null;

  @Field({ description: 'Given (first) name; may be "" when familyName is not.' })
  givenName!: string;

  @Field({ description: 'Family (last) name; may be "" when givenName is not.' })
  familyName!: string;

  @Field({ description: 'givenName and familyName joined by one space, trimmed.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'E-mail address, as given; matched case-insensitively.' })
  emailAddress!: string | null;

  @Field(() => String, { nullable: true, description: 'Phone number in E.164 form, e.g. "+4930726219941".' })
  phoneNumber!: string | null;

  @Field(() => String, { nullable: true, description: 'Preferred language as a canonical BCP-47 tag, e.g. "en" or "de-CH".' })
  languageCode!: string | null;

  @Field(() => JSONObjectScalar, { description: 'Custom fields; {} when there are none.' })
  metadata!: Record<string, unknown>;

  @Field(() => DateTimeScalar, { description: 'When the customer was created.' })
  createdAt!: Date;

  @Field(() => DateTimeScalar, { description: 'When the customer last changed.' })
  updatedAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the customer was soft-deleted; null while active.' })
  deletedAt!: Date | null;

  @Field(() => Int, {
    description:
      'Starts at 1 and grows by 1 with every change to the customer or its channels and flags. Pass it as `expectedVersion` to update safely.',
  })
  version!: number;
}

export const { Edge: CustomerEdge, Connection: CustomerConnection } = connectionTypes(Customer, 'Customer', 'customers');

import { Field, ID, InputType } from 'type-graphql';
import { DateTimeScalar } from '../scalars';
import { CustomerListFilter } from '../../domain/customer/customer-inputs';

@InputType({ description: 'Which customers to list. All given conditions must hold.' })
export class CustomerFilter implements CustomerListFilter {
  @Field(() => [ID], { nullable: true, description: 'Only these ids (at most 1000).' })
  ids?: string[] | null;

  @Field(() => String, { nullable: true, description: 'Exactly this external id.' })
  externalId?: string | null;

  @Field(() => String, { nullable: true, description: 'Exactly this e-mail address, case-insensitively.' })
  emailAddress?: string | null;

  @Field(() => String, { nullable: true, description: 'This phone number, normalised to E.164 first, then matched exactly.' })
  phoneNumber?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'A case-insensitive prefix of the given name, the family name or the whole name.',
  })
  name?: string | null;

  @Field(() => String, {
    nullable: true,
    description: "Exactly this value of any of the customer's channels (a phone number also matches in its E.164 form).",
  })
  channelValue?: string | null;

  @Field(() => String, { nullable: true, description: 'Only customers carrying this flag.' })
  hasFlag?: string | null;

  @Field(() => String, { nullable: true, description: 'This language tag (canonicalised first, e.g. en-us → en-US).' })
  languageCode?: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Created strictly after this instant.' })
  createdAfter?: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Created strictly before this instant.' })
  createdBefore?: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Last changed strictly after this instant.' })
  updatedAfter?: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Last changed strictly before this instant.' })
  updatedBefore?: Date | null;

  @Field(() => Boolean, { nullable: true, description: 'Include soft-deleted customers; false by default.' })
  includeDeleted?: boolean | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Words that must all match, case- and accent-insensitively: each the start of a word of the given name, family name, e-mail address (split at . @ - _ +), external id or a channel value, or (four or more digits) part of the phone number. At most 1000 characters and 10 words.',
  })
  search?: string | null;
}

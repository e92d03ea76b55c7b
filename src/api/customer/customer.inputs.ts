import { Field, ID, InputType, Int } from 'type-graphql';
import { ChannelInput } from '../channel/channel.input';
import { JSONObjectScalar } from '../scalars';
import { CreateCustomerFields, UpdateCustomerFields, UpsertCustomerFields } from '../../domain/customer/customer-inputs';

@InputType({ description: 'A new customer. At least one of givenName and familyName must not be blank.' })
export class CreateCustomerInput implements CreateCustomerFields {
  @Field(() => String, { nullable: true, description: "The caller's own id for the customer; 1–128 characters, unique within the brand." })
  externalId?: string | null;

  @Field(() => String, { nullable: true, description: "Given name: letters of any script, spaces, . - '; at most 100 characters." })
  givenName?: string | null;

  @Field(() => String, { nullable: true, description: "Family name: letters of any script, spaces, . - '; at most 100 characters." })
  familyName?: string | null;

  @Field(() => String, { nullable: true, description: 'A valid e-mail address of at most 250 characters.' })
  emailAddress?: string | null;

  @Field(() => String, { nullable: true, description: 'An international phone number in any common notation; stored as E.164.' })
  phoneNumber?: string | null;

  @Field(() => String, { nullable: true, description: 'A BCP-47 language tag; stored in canonical form.' })
  languageCode?: string | null;

  @Field(() => JSONObjectScalar, { nullable: true, description: 'Custom fields: at most 50 keys and 16 KiB serialised.' })
  metadata?: Record<string, unknown> | null;

  @Field(() => [ChannelInput], { nullable: true, description: 'Channels to add; the same type and value are stored once.' })
  channels?: ChannelInput[] | null;

  @Field(() => [String], { nullable: true, description: 'Flags from the registry to set; read-only flags are refused.' })
  flags?: string[] | null;
}

@InputType({ description: 'A partial update: absent fields are left alone, an explicit null clears a field.' })
export class UpdateCustomerInput implements UpdateCustomerFields {
  @Field(() => ID, { description: 'The customer to update.' })
  id!: string;

  @Field(() => Int, {
    nullable: true,
    description: 'When given and not the current version, the update fails with VERSION_CONFLICT and nothing changes.',
  })
  expectedVersion?: number | null;

  @Field(() => String, { nullable: true, description: "The caller's own id for the customer; null removes it." })
  externalId?: string | null;

  @Field(() => String, { nullable: true, description: 'Given name; null or "" clears it (the family name must then remain).' })
  givenName?: string | null;

  @Field(() => String, { nullable: true, description: 'Family name; null or "" clears it (the given name must then remain).' })
  familyName?: string | null;

  @Field(() => String, { nullable: true, description: 'E-mail address; null clears it.' })
  emailAddress?: string | null;

  @Field(() => String, { nullable: true, description: 'Phone number in any international notation; null clears it.' })
  phoneNumber?: string | null;

  @Field(() => String, { nullable: true, description: 'BCP-47 language tag; null clears it.' })
  languageCode?: string | null;

  @Field(() => JSONObjectScalar, {
    nullable: true,
    description: 'A JSON merge patch (RFC 7396) applied to the metadata: a key set to null is removed.',
  })
  metadata?: Record<string, unknown> | null;
}

@InputType({ description: "A customer matched on externalId within the caller's brand: updated when found, created otherwise." })
export class UpsertCustomerInput implements UpsertCustomerFields {
  @Field(() => String, { description: "The caller's own id for the customer; 1–128 characters." })
  externalId!: string;

  @Field(() => String, { nullable: true, description: 'Given name.' })
  givenName?: string | null;

  @Field(() => String, { nullable: true, description: 'Family name.' })
  familyName?: string | null;

  @Field(() => String, { nullable: true, description: 'E-mail address.' })
  emailAddress?: string | null;

  @Field(() => String, { nullable: true, description: 'Phone number in any international notation.' })
  phoneNumber?: string | null;

  @Field(() => String, { nullable: true, description: 'BCP-47 language tag.' })
  languageCode?: string | null;

  @Field(() => JSONObjectScalar, {
    nullable: true,
    description: 'Metadata of a new customer; for an existing one, a JSON merge patch (RFC 7396).',
  })
  metadata?: Record<string, unknown> | null;
}

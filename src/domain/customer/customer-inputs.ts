import { ChannelRequest } from '../channel/customer-channel.service';
import { CustomerFieldsInput } from './customer-fields.rules';

/*
 * What the customer use cases receive: plain shapes, so any caller (GraphQL, an import,
 * a script) can use them. The GraphQL input classes of api/customer implement them.
 */

export interface CreateCustomerFields extends CustomerFieldsInput {
  channels?: ChannelRequest[] | null;
  flags?: string[] | null;
}

export interface UpdateCustomerFields extends CustomerFieldsInput {
  id: string;
  expectedVersion?: number | null;
}

export interface UpsertCustomerFields extends CustomerFieldsInput {
  externalId: string;
}

/** Which customers a list reads; every condition present must hold. */
export interface CustomerListFilter {
  ids?: string[] | null;
  externalId?: string | null;
  emailAddress?: string | null;
  phoneNumber?: string | null;
  name?: string | null;
  channelValue?: string | null;
  hasFlag?: string | null;
  languageCode?: string | null;
  createdAfter?: Date | null;
  createdBefore?: Date | null;
  updatedAfter?: Date | null;
  updatedBefore?: Date | null;
  includeDeleted?: boolean | null;
  search?: string | null;
}

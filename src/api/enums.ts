import { registerEnumType } from 'type-graphql';
import { ActivityOrigin } from '../core/activity-origin';
import { ChannelType } from '../core/channel-type';
import { CustomerSortField, SortDirection } from '../core/customer-order';
import { CustomerErrorCode } from '../core/errors/customer-error-code';
import { CustomerEventType } from '../core/customer-event-type';
import { CustomerImportStatus } from '../core/import-status';

/*
 * The plain enums of core/, registered with type-graphql once, here, so that the rings
 * below api/ use them without any GraphQL vocabulary. api/schema.ts imports this module
 * before it builds the schema.
 */

registerEnumType(ActivityOrigin, {
  name: 'ActivityOrigin',
  description: 'Who wrote an activity.',
  valuesConfig: {
    SYSTEM: { description: 'Written by this service when the customer, its channels or its flags changed.' },
    EXTERNAL: { description: 'Recorded by another system with recordCustomerActivity.' },
  },
});

registerEnumType(ChannelType, {
  name: 'ChannelType',
  description: 'How a customer can be reached.',
  valuesConfig: {
    EMAIL: { description: 'An e-mail address.' },
    TELEPHONE: { description: 'A telephone number, stored in E.164 form.' },
    FACEBOOK: { description: 'A Facebook account or page.' },
    TWITTER: { description: 'A Twitter/X handle.' },
    WHATSAPP: { description: 'A WhatsApp number, stored in E.164 form.' },
    OTHER: { description: 'Any other channel.' },
  },
});

registerEnumType(CustomerErrorCode, {
  name: 'CustomerErrorCode',
  description: 'Why a mutation input was refused.',
  valuesConfig: {
    INVALID: { description: 'The value is not of the expected form.' },
    TOO_LONG: { description: 'The value is longer than the field allows.' },
    BLANK: { description: 'A value is required and was empty.' },
    NOT_FOUND: { description: "No customer (or channel) with that id exists in the caller's brand." },
    TAKEN: { description: 'Another customer of the brand already has this value.' },
    UNKNOWN_FLAG: { description: 'The flag is not in the flag registry.' },
    READ_ONLY_FLAG: { description: 'The flag is read-only and cannot be changed through the API.' },
    VERSION_CONFLICT: { description: '`expectedVersion` is not the current version; nothing was changed.' },
    IDEMPOTENCY_KEY_REUSED: { description: 'The idempotency key was already used with a different input.' },
    LIMIT_EXCEEDED: { description: 'The input exceeds a size or count limit.' },
  },
});

registerEnumType(CustomerSortField, {
  name: 'CustomerSortField',
  description: 'What customers can be ordered by. Ties are broken by id, so the order is total.',
  valuesConfig: {
    CREATED_AT: { description: 'When the customer was created.' },
    UPDATED_AT: { description: 'When the customer last changed.' },
    FAMILY_NAME: { description: 'Family name, case-insensitively.' },
    EMAIL_ADDRESS: { description: 'E-mail address, case-insensitively; customers without one come first in ascending order.' },
  },
});

registerEnumType(SortDirection, {
  name: 'SortDirection',
  description: 'The direction of an order.',
  valuesConfig: {
    ASC: { description: 'Smallest first.' },
    DESC: { description: 'Largest first.' },
  },
});

registerEnumType(CustomerEventType, {
  name: 'CustomerEventType',
  description: 'What happened to a customer.',
  valuesConfig: {
    CREATED: { description: 'The customer was created (createCustomer, an upsert or an import that found none).' },
    UPDATED: { description: 'Fields of the customer changed; `changedFields` names them.' },
    DELETED: { description: 'The customer was soft-deleted.' },
    RESTORED: { description: 'A soft-deleted customer came back (an upsert by its external id).' },
    PURGED: { description: 'The customer was erased for good; every earlier event of it is gone, and copies elsewhere should go too.' },
    MERGED: { description: 'Another customer was merged into this one (`data.mergedCustomerId`).' },
    FLAG_ADDED: { description: 'The customer got a flag (`data.flag`).' },
    FLAG_REMOVED: { description: 'The customer lost a flag (`data.flag`).' },
    CHANNEL_ADDED: { description: 'A contact channel was added (`data.channelId`).' },
    CHANNEL_REMOVED: { description: 'A contact channel was removed (`data.channelId`).' },
    ACTIVITY_RECORDED: { description: "Another system recorded an activity in the customer's timeline (`data.activityId`)." },
  },
});

registerEnumType(CustomerImportStatus, {
  name: 'CustomerImportStatus',
  description: 'Where a CSV import stands.',
  valuesConfig: {
    QUEUED: { description: 'Received and stored whole; waiting for a worker.' },
    RUNNING: { description: 'A worker is applying its rows, chunk by chunk.' },
    SUCCEEDED: { description: 'Every row was applied or reported in `errors`.' },
    FAILED: { description: 'The import could not be completed (see `failure`); rows applied before stay applied.' },
  },
});

import { registerEnumType } from 'type-graphql';

/** Codes of expected, per-field failures returned as `userErrors` in mutation payloads. */
export enum CustomerErrorCode {
  INVALID = 'INVALID',
  TOO_LONG = 'TOO_LONG',
  BLANK = 'BLANK',
  NOT_FOUND = 'NOT_FOUND',
  TAKEN = 'TAKEN',
  UNKNOWN_FLAG = 'UNKNOWN_FLAG',
  READ_ONLY_FLAG = 'READ_ONLY_FLAG',
  VERSION_CONFLICT = 'VERSION_CONFLICT',
  IDEMPOTENCY_KEY_REUSED = 'IDEMPOTENCY_KEY_REUSED',
  LIMIT_EXCEEDED = 'LIMIT_EXCEEDED',
}

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

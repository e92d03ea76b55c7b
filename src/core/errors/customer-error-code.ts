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

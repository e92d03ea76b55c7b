import { CustomerErrorCode } from '../../core/errors/customer-error-code';
import { FieldPath, UserError, userError } from '../../core/errors/user-error';
import { checkInstant } from '../date-range.rules';
import { characterCount, checkMetadata, isUnstorableText } from '../field.rules';

export const ACTIVITY_TYPE_MAX_LENGTH = 64;
export const ACTIVITY_MESSAGE_MAX_LENGTH = 2000;
export const INITIATED_BY_MAX_LENGTH = 255;
export const SOURCE_URL_MAX_LENGTH = 2048;
/** Types this service writes itself; other systems may not record them (in any letter case). */
export const SYSTEM_TYPE_PREFIX = 'customer.';

export interface ExternalActivityFields {
  type: string;
  message?: string | null;
  initiatedBy?: string | null;
  sourceUrl?: string | null;
  occurredAt?: Date | null;
  data?: Record<string, unknown> | null;
}

/** Every problem with an external activity, each at its field's path. */
export function validateExternalActivity(input: ExternalActivityFields, path: FieldPath): UserError[] {
  const errors: UserError[] = [];
  const type = input.type.trim();
  if (type === '') {
    errors.push(userError([...path, 'type'], CustomerErrorCode.BLANK, 'The activity type must not be blank.'));
  } else if (characterCount(type) > ACTIVITY_TYPE_MAX_LENGTH) {
    errors.push(
      userError([...path, 'type'], CustomerErrorCode.TOO_LONG, `The activity type must be at most ${ACTIVITY_TYPE_MAX_LENGTH} characters.`),
    );
  } else if (isUnstorableText(type)) {
    errors.push(userError([...path, 'type'], CustomerErrorCode.INVALID, 'The activity type contains characters that cannot be stored.'));
  } else if (type.toLowerCase().startsWith(SYSTEM_TYPE_PREFIX)) {
    errors.push(
      userError([...path, 'type'], CustomerErrorCode.INVALID, `Types starting with "${SYSTEM_TYPE_PREFIX}" are reserved for this service.`),
    );
  }
  for (const [field, value, max] of [
    ['message', input.message, ACTIVITY_MESSAGE_MAX_LENGTH],
    ['initiatedBy', input.initiatedBy, INITIATED_BY_MAX_LENGTH],
  ] as const) {
    if (value == null) continue;
    if (characterCount(value) > max) {
      errors.push(userError([...path, field], CustomerErrorCode.TOO_LONG, `${field} must be at most ${max} characters.`));
    } else if (!value.isWellFormed() || value.includes('\u0000')) {
      errors.push(userError([...path, field], CustomerErrorCode.INVALID, `${field} contains characters that cannot be stored.`));
    }
  }
  if (input.sourceUrl != null && !isHttpUrl(input.sourceUrl)) {
    errors.push(
      userError(
        [...path, 'sourceUrl'],
        CustomerErrorCode.INVALID,
        `sourceUrl must be an http or https URL of at most ${SOURCE_URL_MAX_LENGTH} characters.`,
      ),
    );
  }
  if (input.occurredAt != null) {
    const occurredAt = checkInstant(input.occurredAt, 'occurredAt');
    if (!occurredAt.ok) errors.push(userError([...path, 'occurredAt'], occurredAt.code, occurredAt.message));
  }
  if (input.data != null) {
    const data = checkMetadata(input.data, 'Data');
    if (!data.ok) errors.push(userError([...path, 'data'], data.code, data.message));
  }
  return errors;
}

function isHttpUrl(value: string): boolean {
  if (value.length > SOURCE_URL_MAX_LENGTH || isUnstorableText(value)) return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

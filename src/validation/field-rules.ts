import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import isEmail from 'validator/lib/isEmail';
import { CustomerErrorCode } from '../errors/customer-error-code';

/** The outcome of checking one value: its normalised form, or why it was refused. */
export type RuleResult<T> = { ok: true; value: T } | { ok: false; code: CustomerErrorCode; message: string };

const ok = <T>(value: T): RuleResult<T> => ({ ok: true, value });
const fail = <T>(code: CustomerErrorCode, message: string): RuleResult<T> => ({ ok: false, code, message });

export const NAME_MAX_LENGTH = 100;
export const EMAIL_MAX_LENGTH = 250;
export const EXTERNAL_ID_MAX_LENGTH = 128;
export const METADATA_MAX_BYTES = 16 * 1024;
export const METADATA_MAX_KEYS = 50;

/** Letters and combining marks of any script, spaces, and . - ' (and the typographic apostrophe). */
const NAME_PATTERN = /^[\p{L}\p{M} .'\u2019-]*$/u;
// C0/C1 controls and NUL never belong in stored text.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

/** Characters as a person counts them (code points), not UTF-16 units. */
export function characterCount(value: string): number {
  let count = 0;
  for (const _ of value) count += 1;
  return count;
}

/** Text that cannot be stored faithfully: lone surrogates or control characters. */
export function isUnstorableText(value: string): boolean {
  return !value.isWellFormed() || CONTROL_CHARACTERS.test(value);
}

/**
 * The lower-cased form used for case-insensitive matching and ordering. Full case
 * mapping turns "İ" (U+0130) into two code points ("i" + U+0307); that pair is
 * folded to "i", so "İ", "i̇" and "i" match each other and a key never holds more
 * characters than its value (it always fits a key column as wide as the value's).
 */
export function caseKey(value: string): string {
  return value.toLowerCase().replace(/i\u0307/g, 'i');
}

export function checkName(raw: string, label: string): RuleResult<string> {
  const value = raw.trim();
  if (characterCount(value) > NAME_MAX_LENGTH) {
    return fail(CustomerErrorCode.TOO_LONG, `${label} must be at most ${NAME_MAX_LENGTH} characters.`);
  }
  if (isUnstorableText(value) || !NAME_PATTERN.test(value)) {
    return fail(CustomerErrorCode.INVALID, `${label} may contain only letters, spaces, periods, hyphens and apostrophes.`);
  }
  return ok(value);
}

export function checkEmailAddress(raw: string): RuleResult<string> {
  const value = raw.trim();
  if (characterCount(value) > EMAIL_MAX_LENGTH) {
    return fail(CustomerErrorCode.TOO_LONG, `Email address must be at most ${EMAIL_MAX_LENGTH} characters.`);
  }
  if (isUnstorableText(value) || !isEmail(value, { allow_utf8_local_part: true, require_tld: true })) {
    return fail(CustomerErrorCode.INVALID, 'Email address is not a valid address.');
  }
  return ok(value);
}

/** Any input that parses to a valid international number, as E.164. */
export function normalizePhoneNumber(raw: string): string | null {
  if (isUnstorableText(raw) || raw.length > 64) return null;
  const parsed = parsePhoneNumberFromString(raw.trim());
  return parsed && parsed.isValid() ? parsed.number : null;
}

export function checkPhoneNumber(raw: string, label = 'Phone number'): RuleResult<string> {
  const value = normalizePhoneNumber(raw);
  return value === null
    ? fail(CustomerErrorCode.INVALID, `${label} is not a valid international phone number (e.g. +49 30 726219941).`)
    : ok(value);
}

/** A valid BCP-47 tag in its canonical form (`en-us` → `en-US`), or null. */
export function canonicalLanguageTag(raw: string): string | null {
  const value = raw.trim();
  if (value === '' || value.length > 35 || isUnstorableText(value)) return null;
  try {
    const [canonical] = Intl.getCanonicalLocales(value);
    return canonical !== undefined && canonical.length <= 35 ? canonical : null;
  } catch {
    return null;
  }
}

export function checkLanguageCode(raw: string): RuleResult<string> {
  const value = canonicalLanguageTag(raw);
  return value === null ? fail(CustomerErrorCode.INVALID, 'Language code is not a valid BCP-47 language tag.') : ok(value);
}

/**
 * External ids are stored trimmed, and every lookup trims too: surrounding
 * spaces are never part of the caller's id. What remains matches exactly
 * (case, inner spaces and Unicode normalisation included) on both dialects.
 */
export function checkExternalId(raw: string): RuleResult<string> {
  const value = raw.trim();
  const length = characterCount(value);
  if (length < 1 || length > EXTERNAL_ID_MAX_LENGTH || isUnstorableText(value)) {
    return fail(
      CustomerErrorCode.INVALID,
      `External id must be 1 to ${EXTERNAL_ID_MAX_LENGTH} characters, not blank, without control characters.`,
    );
  }
  return ok(value);
}

export function checkMetadata(value: Record<string, unknown>): RuleResult<Record<string, unknown>> {
  const keys = Object.keys(value);
  if (keys.length > METADATA_MAX_KEYS) {
    return fail(CustomerErrorCode.LIMIT_EXCEEDED, `Metadata may have at most ${METADATA_MAX_KEYS} keys.`);
  }
  const serialised = JSON.stringify(value);
  if (Buffer.byteLength(serialised, 'utf8') > METADATA_MAX_BYTES) {
    return fail(CustomerErrorCode.LIMIT_EXCEEDED, `Metadata may be at most ${METADATA_MAX_BYTES} bytes serialised.`);
  }
  if (isUnstorableJson(value)) {
    return fail(CustomerErrorCode.INVALID, 'Metadata contains text that cannot be stored (control or unpaired surrogate characters).');
  }
  return ok(value);
}

function isUnstorableJson(value: unknown): boolean {
  if (typeof value === 'string') return !value.isWellFormed() || value.includes('\u0000');
  if (Array.isArray(value)) return value.some(isUnstorableJson);
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).some(([key, item]) => isUnstorableJson(key) || isUnstorableJson(item));
  }
  return false;
}

/** RFC 7396 JSON merge patch: objects merge recursively, null removes a key, anything else replaces. */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const result: Record<string, unknown> =
    target !== null && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [key, value] of Object.entries(patch as Record<string, unknown>)) {
    if (value === null) delete result[key];
    else result[key] = applyMergePatch(result[key], value);
  }
  return result;
}

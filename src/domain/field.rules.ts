import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import isEmail from 'validator/lib/isEmail';
import { CustomerErrorCode } from '../core/errors/customer-error-code';

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
 * External ids are the caller's own values and are stored and matched exactly as
 * given (case, surrounding and inner spaces, Unicode normalisation), on both
 * dialects: `"k "` is another id than `"k"`. Only an id that is nothing but
 * white space is refused, as it could never be told apart on sight.
 */
export function checkExternalId(value: string): RuleResult<string> {
  const length = characterCount(value);
  if (length < 1 || length > EXTERNAL_ID_MAX_LENGTH || value.trim() === '' || isUnstorableText(value)) {
    return fail(
      CustomerErrorCode.INVALID,
      `External id must be 1 to ${EXTERNAL_ID_MAX_LENGTH} characters, not blank, without control characters.`,
    );
  }
  return ok(value);
}

/** Deepest nesting of a JSON object from a client: the object itself is level 1, each object or array inside it one more. */
export const JSON_MAX_DEPTH = 32;

/**
 * The one guard for a client's JSON object (metadata, activity data), run before
 * anything recursive touches the value (serialising, merging, hashing): nesting
 * depth first, then the number of top-level keys, the serialised size and
 * storable text. The walk keeps its own stack, so no nesting, however deep,
 * reaches the call stack; once it passes, recursion over the value is bounded
 * by JSON_MAX_DEPTH.
 */
export function checkMetadata(value: Record<string, unknown>, label = 'Metadata'): RuleResult<Record<string, unknown>> {
  const shape = jsonShape(value);
  if (shape.tooDeep) {
    return fail(CustomerErrorCode.LIMIT_EXCEEDED, `${label} may nest at most ${JSON_MAX_DEPTH} levels deep.`);
  }
  if (Object.keys(value).length > METADATA_MAX_KEYS) {
    return fail(CustomerErrorCode.LIMIT_EXCEEDED, `${label} may have at most ${METADATA_MAX_KEYS} keys.`);
  }
  const serialised = JSON.stringify(value);
  if (Buffer.byteLength(serialised, 'utf8') > METADATA_MAX_BYTES) {
    return fail(CustomerErrorCode.LIMIT_EXCEEDED, `${label} may be at most ${METADATA_MAX_BYTES} bytes serialised.`);
  }
  if (shape.unstorable) {
    return fail(CustomerErrorCode.INVALID, `${label} contains text that cannot be stored (control or unpaired surrogate characters).`);
  }
  return ok(value);
}

/** Depth and text check of a JSON value in one iterative walk; stops at the first container deeper than JSON_MAX_DEPTH. */
function jsonShape(root: unknown): { tooDeep: boolean; unstorable: boolean } {
  let unstorable = false;
  const pending: Array<{ value: unknown; depth: number }> = [{ value: root, depth: 1 }];
  for (let item = pending.pop(); item !== undefined; item = pending.pop()) {
    const { value, depth } = item;
    if (typeof value === 'string') {
      unstorable ||= isUnstorableJsonText(value);
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth > JSON_MAX_DEPTH) return { tooDeep: true, unstorable };
    if (Array.isArray(value)) {
      for (const element of value) pending.push({ value: element, depth: depth + 1 });
      continue;
    }
    for (const key of Object.keys(value)) {
      unstorable ||= isUnstorableJsonText(key);
      pending.push({ value: (value as Record<string, unknown>)[key], depth: depth + 1 });
    }
  }
  return { tooDeep: false, unstorable };
}

/** JSON strings may hold control characters (they are escaped when serialised), but not NUL or lone surrogates. */
function isUnstorableJsonText(value: string): boolean {
  return !value.isWellFormed() || value.includes('\u0000');
}

/**
 * RFC 7396 JSON merge patch: objects merge recursively, null removes a key,
 * anything else replaces. Every key is an own data property, `__proto__` and
 * `constructor` included: assignment (`result[key] = …`) would call the
 * prototype setter for `__proto__` and drop the key. Recursion follows the
 * patch, whose depth the JSON guard has bounded.
 */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const result: Record<string, unknown> =
    target !== null && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [key, value] of Object.entries(patch as Record<string, unknown>)) {
    if (value === null) {
      delete result[key];
    } else {
      const current = Object.prototype.hasOwnProperty.call(result, key) ? result[key] : undefined;
      Object.defineProperty(result, key, { value: applyMergePatch(current, value), enumerable: true, writable: true, configurable: true });
    }
  }
  return result;
}

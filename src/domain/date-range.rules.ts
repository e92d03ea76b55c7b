import { badUserInput } from '../core/errors/graphql-errors';
import { CustomerErrorCode } from '../core/errors/customer-error-code';
import { RuleResult } from './field.rules';

/**
 * The instants both databases store and read back exactly: MySQL's DATETIME
 * holds the years 1000 to 9999 (earlier years come back as other years, two-digit
 * ones as 19xx/20xx), and SQLite's text timestamps sort correctly only with
 * four-digit years. Every DateTime input is checked against this one range.
 */
export const EARLIEST_INSTANT = new Date('1000-01-01T00:00:00.000Z');
export const LATEST_INSTANT = new Date('9999-12-31T23:59:59.999Z');

const RANGE_TEXT = `from ${EARLIEST_INSTANT.toISOString()} to ${LATEST_INSTANT.toISOString()}`;

export function isStorableInstant(value: Date): boolean {
  const time = value.getTime();
  return time >= EARLIEST_INSTANT.getTime() && time <= LATEST_INSTANT.getTime();
}

/** An instant to be stored (e.g. an activity's `occurredAt`): refused as INVALID outside the range. */
export function checkInstant(value: Date, label: string): RuleResult<Date> {
  return isStorableInstant(value)
    ? { ok: true, value }
    : { ok: false, code: CustomerErrorCode.INVALID, message: `${label} must be an instant ${RANGE_TEXT}.` };
}

/** An instant that bounds a filter: refused with BAD_USER_INPUT outside the range, since nothing stored lies beyond it. */
export function filterInstant(value: Date, name: string): Date {
  if (!isStorableInstant(value)) throw badUserInput(`\`${name}\` must be an instant ${RANGE_TEXT}.`, 'filter');
  return value;
}

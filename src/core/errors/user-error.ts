import { CustomerErrorCode } from './customer-error-code';

/** An expected failure, reported in a payload's `userErrors`. `field` is a path into the mutation's arguments. */
export interface UserError {
  field: string[] | null;
  message: string;
  code: CustomerErrorCode;
}

/** A path into a mutation's arguments, e.g. `['input', 'channels', 0, 'value']`. */
export type FieldPath = readonly (string | number)[];

export function userError(field: FieldPath | null, code: CustomerErrorCode, message: string): UserError {
  return { field: field === null ? null : field.map(String), code, message };
}

/** The customer an id names does not exist in the caller's brand (never FORBIDDEN: existence does not leak). */
export function customerNotFound(field: FieldPath = ['customerId']): UserError {
  return userError(field, CustomerErrorCode.NOT_FOUND, 'No customer with this id exists.');
}

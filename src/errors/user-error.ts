import { CustomerErrorCode } from './customer-error-code';

/** An expected failure, reported in a payload's `userErrors`. `field` is a path into the mutation's arguments. */
export interface UserError {
  field: string[] | null;
  message: string;
  code: CustomerErrorCode;
}

export function userError(field: readonly (string | number)[] | null, code: CustomerErrorCode, message: string): UserError {
  return { field: field === null ? null : field.map(String), code, message };
}

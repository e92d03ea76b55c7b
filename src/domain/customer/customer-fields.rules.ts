import { CustomerErrorCode } from '../../core/errors/customer-error-code';
import { FieldPath, UserError, userError } from '../../core/errors/user-error';
import {
  RuleResult,
  checkEmailAddress,
  checkExternalId,
  checkLanguageCode,
  checkMetadata,
  checkName,
  checkPhoneNumber,
} from '../field.rules';

/** The customer fields a create, update or upsert input may carry; undefined = absent, null = clear. */
export interface CustomerFieldsInput {
  externalId?: string | null;
  givenName?: string | null;
  familyName?: string | null;
  emailAddress?: string | null;
  phoneNumber?: string | null;
  languageCode?: string | null;
  metadata?: Record<string, unknown> | null;
}

/** Validated, normalised values. Absent keys are not to be changed. */
export interface CustomerFieldChanges {
  externalId?: string | null;
  givenName?: string;
  familyName?: string;
  emailAddress?: string | null;
  phoneNumber?: string | null;
  languageCode?: string | null;
  /** On create: the metadata. On update: a JSON merge patch (null = remove everything). */
  metadata?: Record<string, unknown> | null;
}

export interface ValidatedFields {
  changes: CustomerFieldChanges;
  errors: UserError[];
}

/**
 * Checks every field of an input against the contract's rules and collects all
 * errors at once (a client fixes a form in one round trip). Blank optional text
 * counts as a clear; names are trimmed.
 */
export function validateCustomerFields(input: CustomerFieldsInput, path: FieldPath): ValidatedFields {
  const changes: CustomerFieldChanges = {};
  const errors: UserError[] = [];

  const collect = <T>(field: keyof CustomerFieldsInput, result: RuleResult<T>, assign: (value: T) => void): void => {
    if (result.ok) assign(result.value);
    else errors.push(userError([...path, field], result.code, result.message));
  };

  if (input.externalId !== undefined) {
    if (input.externalId === null) changes.externalId = null;
    else collect('externalId', checkExternalId(input.externalId), (v) => (changes.externalId = v));
  }
  if (input.givenName !== undefined) {
    collect('givenName', checkName(input.givenName ?? '', 'Given name'), (v) => (changes.givenName = v));
  }
  if (input.familyName !== undefined) {
    collect('familyName', checkName(input.familyName ?? '', 'Family name'), (v) => (changes.familyName = v));
  }
  if (input.emailAddress !== undefined) {
    if (isBlank(input.emailAddress)) changes.emailAddress = null;
    else collect('emailAddress', checkEmailAddress(input.emailAddress), (v) => (changes.emailAddress = v));
  }
  if (input.phoneNumber !== undefined) {
    if (isBlank(input.phoneNumber)) changes.phoneNumber = null;
    else collect('phoneNumber', checkPhoneNumber(input.phoneNumber), (v) => (changes.phoneNumber = v));
  }
  if (input.languageCode !== undefined) {
    if (isBlank(input.languageCode)) changes.languageCode = null;
    else collect('languageCode', checkLanguageCode(input.languageCode), (v) => (changes.languageCode = v));
  }
  if (input.metadata !== undefined) {
    if (input.metadata === null) changes.metadata = null;
    else collect('metadata', checkMetadata(input.metadata), (v) => (changes.metadata = v));
  }
  return { changes, errors };
}

/** The rule that holds for every stored customer: a name to address them by. */
export function checkNotBothNamesBlank(givenName: string, familyName: string, path: FieldPath): UserError | null {
  if (givenName === '' && familyName === '') {
    return userError([...path, 'givenName'], CustomerErrorCode.BLANK, 'Given name and family name cannot both be blank.');
  }
  return null;
}

function isBlank(value: string | null): value is null | '' {
  return value === null || value.trim() === '';
}

/** The customer's `name`: given name and family name joined by one space, trimmed. Its case key is what the name filter matches. */
export function fullName(givenName: string, familyName: string): string {
  return `${givenName} ${familyName}`.trim();
}

/** A customer as a lookup answers it: a deleted one only when the caller asked for deleted ones too. */
export function visibleCustomer<T extends { deletedAt: Date | null }>(customer: T | null | undefined, includeDeleted: boolean): T | null {
  return customer != null && (customer.deletedAt === null || includeDeleted) ? customer : null;
}

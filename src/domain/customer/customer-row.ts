import { CustomerActivityEntity } from '../../data/entities/customer-activity.entity';
import { CustomerEntity } from '../../data/entities/customer.entity';
import { FieldPath, UserError, userError } from '../../core/errors/user-error';
import { newCustomerId } from '../../core/customer-ids';
import { applyMergePatch, caseKey, checkMetadata } from '../field.rules';
import { systemActivity, SystemActivityType } from '../activity/activity-log';
import { CustomerFieldChanges, checkNotBothNamesBlank, fullName } from './customer-fields.rules';

/**
 * The customer row model: the row a create writes, the row a change makes of
 * the current one, and which public fields differ between two rows. Pure: the
 * write paths (one customer, bulk upsert, the seed script) share it and do the
 * writing themselves.
 */

export type CustomerChange =
  { ok: true; row: CustomerEntity; activity: CustomerActivityEntity | null } | { ok: false; userErrors: UserError[] };

/**
 * The row validated `changes` make of `current`, with its version one up and
 * the customer.updated activity that records it; no activity when nothing
 * changes (then the row is `current` itself). `revive` clears a soft delete
 * (an upsert of a deleted customer brings it back).
 */
export function changedRow(
  current: CustomerEntity,
  changes: CustomerFieldChanges & { revive?: boolean },
  path: FieldPath,
  now: Date,
): CustomerChange {
  const next = { ...current };
  if (changes.externalId !== undefined) next.externalId = changes.externalId;
  if (changes.givenName !== undefined) next.givenName = changes.givenName;
  if (changes.familyName !== undefined) next.familyName = changes.familyName;
  if (changes.emailAddress !== undefined) next.emailAddress = changes.emailAddress;
  if (changes.phoneNumber !== undefined) next.phoneNumber = changes.phoneNumber;
  if (changes.languageCode !== undefined) next.languageCode = changes.languageCode;
  if (changes.metadata !== undefined) {
    next.metadata = (applyMergePatch(current.metadata, changes.metadata ?? null) ?? {}) as Record<string, unknown>;
    const limits = checkMetadata(next.metadata);
    if (!limits.ok) return { ok: false, userErrors: [userError([...path, 'metadata'], limits.code, limits.message)] };
  }
  if (changes.revive) next.deletedAt = null;
  const blank = checkNotBothNamesBlank(next.givenName, next.familyName, path);
  if (blank) return { ok: false, userErrors: [blank] };

  const changed = changedColumns(current, next);
  if (changed.length === 0) return { ok: true, row: current, activity: null };
  const row: CustomerEntity = { ...withDerivedKeys(next), updatedAt: now, version: current.version + 1 };
  return { ok: true, row, activity: systemActivity(row, SystemActivityType.UPDATED, { changedFields: changed }, now) };
}

const COMPARED_COLUMNS = [
  'externalId',
  'givenName',
  'familyName',
  'emailAddress',
  'phoneNumber',
  'languageCode',
  'metadata',
  'deletedAt',
] as const;

/** Names of the public fields whose values differ between two versions of a row. */
export function changedColumns(before: CustomerEntity, after: CustomerEntity): string[] {
  return COMPARED_COLUMNS.filter((column) => {
    const a = before[column];
    const b = after[column];
    if (column === 'metadata') return JSON.stringify(a) !== JSON.stringify(b);
    if (a instanceof Date || b instanceof Date) return (a as Date | null)?.getTime() !== (b as Date | null)?.getTime();
    return a !== b;
  });
}

/** The row a create writes for validated `changes`: a new id, version 1, and the derived key columns. */
export function newCustomerRow(brand: string, changes: CustomerFieldChanges, now: Date): CustomerEntity {
  return withDerivedKeys({
    id: newCustomerId(now),
    brand,
    externalId: changes.externalId ?? null,
    givenName: changes.givenName ?? '',
    familyName: changes.familyName ?? '',
    emailAddress: changes.emailAddress ?? null,
    phoneNumber: changes.phoneNumber ?? null,
    languageCode: changes.languageCode ?? null,
    metadata: changes.metadata ?? {},
    createdAt: now,
    updatedAt: now,
    deletedAt: null,
    version: 1,
    nameKey: '',
    familyNameKey: '',
    emailKey: '',
  });
}

/** Recomputes the lower-cased match and sort columns from the public fields. */
function withDerivedKeys(customer: CustomerEntity): CustomerEntity {
  return {
    ...customer,
    nameKey: caseKey(fullName(customer.givenName, customer.familyName)),
    familyNameKey: caseKey(customer.familyName),
    emailKey: caseKey(customer.emailAddress ?? ''),
  };
}

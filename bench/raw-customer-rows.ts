import { CustomerEntity } from '../src/data/entities/customer.entity';

/** The columns of `customers` that hand-written baseline INSERTs write, in order. */
export const RAW_COLUMNS = [
  'id',
  'brand',
  'external_id',
  'given_name',
  'family_name',
  'name_key',
  'family_name_key',
  'email_address',
  'email_key',
  'phone_number',
  'language_code',
  'metadata',
  'created_at',
  'updated_at',
  'deleted_at',
  'version',
] as const;

/** The row values in RAW_COLUMNS order, as the service computes them (derived keys included). */
export function rawValues(row: CustomerEntity): unknown[] {
  return [
    row.id,
    row.brand,
    row.externalId,
    row.givenName,
    row.familyName,
    row.nameKey,
    row.familyNameKey,
    row.emailAddress,
    row.emailKey,
    row.phoneNumber,
    row.languageCode,
    JSON.stringify(row.metadata),
    row.createdAt,
    row.updatedAt,
    row.deletedAt,
    row.version,
  ];
}

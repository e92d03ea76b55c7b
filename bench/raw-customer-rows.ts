import { PoolConnection } from 'mysql2/promise';
import { CustomerEntity } from '../src/data/entities/customer.entity';
import { customerTermRows, OWN_FIELDS } from '../src/data/repositories/search-term.repository';

/** Search-term rows per hand-written INSERT (six values each). */
const RAW_TERM_BATCH = 4000;

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

/** Inserts the search terms of `rows`' own fields by hand, RAW_TERM_BATCH per multi-row INSERT. */
export async function insertRawTerms(connection: PoolConnection, rows: readonly CustomerEntity[]): Promise<void> {
  const terms = customerTermRows(rows).map((term) => [
    term.brand,
    term.customerId,
    term.channelId,
    term.term,
    term.createdAt,
    term.deletedAt,
  ]);
  for (let at = 0; at < terms.length; at += RAW_TERM_BATCH) {
    await connection.query('INSERT INTO customer_search_terms (brand, customer_id, channel_id, term, created_at, deleted_at) VALUES ?', [
      terms.slice(at, at + RAW_TERM_BATCH),
    ]);
  }
}

/** Deletes by hand the search terms of `rows`' own fields (their channels' terms stay), as an update replaces them. */
export async function deleteRawTerms(connection: PoolConnection, brand: string, rows: readonly CustomerEntity[]): Promise<void> {
  await connection.query('DELETE FROM customer_search_terms WHERE brand = ? AND customer_id IN (?) AND channel_id = ?', [
    brand,
    rows.map((row) => row.id),
    OWN_FIELDS,
  ]);
}

import { createHash } from 'node:crypto';
import { CustomerEntity } from '../../data/entities/customer.entity';
import { IdempotencyKeyEntity } from '../../data/entities/idempotency-key.entity';
import { Repositories } from '../../data/database';
import { CustomerErrorCode } from '../../core/errors/customer-error-code';
import { FieldPath, UserError, userError } from '../../core/errors/user-error';
import { canonicalJson } from '../../core/paging/cursor-codec';
import { characterCount, isUnstorableText } from '../field.rules';
import { CustomerResult } from './customer-result';

/**
 * Idempotency keys of `createCustomer`: a key is claimed in the create's own
 * transaction, so the claim commits or rolls back with the customer it names.
 */

export const IDEMPOTENCY_KEY_TTL_MS = 24 * 60 * 60 * 1000;
export const IDEMPOTENCY_KEY_MAX_LENGTH = 255;

export function checkIdempotencyKey(key: string, field: FieldPath): UserError | null {
  const length = characterCount(key);
  if (length < 1 || length > IDEMPOTENCY_KEY_MAX_LENGTH || isUnstorableText(key)) {
    return userError(
      field,
      CustomerErrorCode.INVALID,
      `An idempotency key must be 1 to ${IDEMPOTENCY_KEY_MAX_LENGTH} characters, without control characters.`,
    );
  }
  return null;
}

/** What a retry must repeat exactly: the input, in a canonical form. */
export function requestHashOf(input: unknown): string {
  return createHash('sha256').update(canonicalJson(input)).digest('hex');
}

/**
 * Claims an idempotency key for the customer about to be created, in its
 * transaction, and returns the key's record as it stands under its row lock:
 * ours when the claim took, else the live claim of an earlier request (which
 * has committed: a concurrent claim makes this wait). An expired claim is
 * released first.
 */
export async function claimIdempotencyKey(
  repositories: Repositories,
  key: string,
  requestHash: string,
  customer: CustomerEntity,
): Promise<IdempotencyKeyEntity> {
  const { brand, createdAt: now } = customer;
  await repositories.idempotencyKeys.deleteIfExpired(brand, key, now);
  await repositories.idempotencyKeys.insertOrLock({
    brand,
    key,
    requestHash,
    customerId: customer.id,
    createdAt: now,
    expiresAt: new Date(now.getTime() + IDEMPOTENCY_KEY_TTL_MS),
  });
  const holder = await repositories.idempotencyKeys.findForUpdate(brand, key);
  if (!holder) throw new Error(`Idempotency key of brand ${brand} vanished while its row was locked`);
  return holder;
}

/** The answer to a retry: the customer the key created, or IDEMPOTENCY_KEY_REUSED for a different input. */
export async function replayIdempotentCreate(
  repositories: Repositories,
  record: IdempotencyKeyEntity,
  requestHash: string,
): Promise<CustomerResult> {
  if (record.requestHash !== requestHash) return { customer: null, userErrors: [idempotencyKeyReused()] };
  const customer = await repositories.customers.findById(record.brand, record.customerId, true);
  // Erasure removes a customer's keys with it, so a claim without its customer is not expected; refuse rather than guess.
  if (!customer) return { customer: null, userErrors: [idempotencyKeyReused()] };
  return { customer, userErrors: [] };
}

function idempotencyKeyReused(): UserError {
  return userError(
    ['idempotencyKey'],
    CustomerErrorCode.IDEMPOTENCY_KEY_REUSED,
    'This idempotency key was used with a different input in the last 24 hours.',
  );
}

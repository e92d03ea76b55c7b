import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { badUserInput } from '../errors/graphql-errors';

/** The values of a row's sort key, id last: the position a cursor points at. */
export type CursorKey = ReadonlyArray<string | number>;

const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Fixed inputs of the key derivation: a new `info` gives a new, independent pair of keys (and retires older cursors). */
const HKDF_SALT = 'customer-subgraph cursor keys';
const HKDF_INFO = 'cursor v2: aes-256-gcm + synthetic iv';

/**
 * Cursors are opaque in every sense: `[binding, key]` as JSON, encrypted with
 * AES-256-GCM and sent as base64url of iv ‖ ciphertext ‖ tag. Without the key no
 * one can read the values a cursor was cut at (a surname, an e-mail address),
 * and the tag makes any alteration fail, so a cursor is either one this service
 * issued or BAD_USER_INPUT. The binding (a digest of the filter and order the
 * page was asked with) makes a cursor fit only the query that issued it.
 *
 * The IV is synthetic: an HMAC of the plaintext under a second key. Equal
 * positions give equal cursors (an edge's cursor and `endCursor` agree), and an
 * IV repeats only with its plaintext, which is the one case where GCM's
 * keystream reuse reveals nothing (the ciphertexts are equal too). Both keys
 * come from CURSOR_SECRET through HKDF-SHA256.
 */
export class CursorCodec {
  private readonly encryptionKey: Buffer;
  private readonly ivKey: Buffer;

  constructor(secret: string) {
    const keys = Buffer.from(hkdfSync('sha256', secret, HKDF_SALT, HKDF_INFO, 64));
    this.encryptionKey = keys.subarray(0, 32);
    this.ivKey = keys.subarray(32);
  }

  /** A short, stable digest of whatever a cursor must be bound to (a connection's filter and order). */
  static binding(scope: unknown): string {
    return createHash('sha256').update(canonicalJson(scope)).digest('base64url').slice(0, 16);
  }

  encode(binding: string, key: CursorKey): string {
    return this.seal(Buffer.from(JSON.stringify([binding, key]), 'utf8'));
  }

  /** The key a cursor carries; BAD_USER_INPUT when it is malformed, altered, forged, or issued for another query. */
  decode(cursor: string, binding: string, argumentName: string): CursorKey {
    const plaintext = this.open(cursor);
    if (plaintext === null) throw malformedCursor(argumentName);
    let parsed: unknown;
    try {
      parsed = JSON.parse(plaintext.toString('utf8'));
    } catch {
      throw malformedCursor(argumentName);
    }
    if (!Array.isArray(parsed) || parsed.length !== 2 || typeof parsed[0] !== 'string' || !isKey(parsed[1])) {
      throw malformedCursor(argumentName);
    }
    if (parsed[0] !== binding) {
      throw badUserInput(
        `The \`${argumentName}\` cursor was issued for a different filter or orderBy; a cursor only fits the filter and order it came from.`,
        argumentName,
      );
    }
    return parsed[1];
  }

  private seal(plaintext: Buffer): string {
    const iv = this.syntheticIv(plaintext);
    const cipher = createCipheriv('aes-256-gcm', this.encryptionKey, iv);
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([iv, ciphertext, cipher.getAuthTag()]).toString('base64url');
  }

  /** The authenticated plaintext of a cursor, or null for anything this codec did not issue under this secret. */
  private open(cursor: string): Buffer | null {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
    const bytes = Buffer.from(cursor, 'base64url');
    // Only the canonical spelling: unused low bits of the last character would otherwise let edited text decode alike.
    if (bytes.length <= IV_BYTES + TAG_BYTES || bytes.toString('base64url') !== cursor) return null;
    const iv = bytes.subarray(0, IV_BYTES);
    const tag = bytes.subarray(bytes.length - TAG_BYTES);
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.encryptionKey, iv);
      decipher.setAuthTag(tag);
      const plaintext = Buffer.concat([decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)), decipher.final()]);
      return timingSafeEqual(iv, this.syntheticIv(plaintext)) ? plaintext : null;
    } catch {
      return null;
    }
  }

  private syntheticIv(plaintext: Buffer): Buffer {
    return createHmac('sha256', this.ivKey).update(plaintext).digest().subarray(0, IV_BYTES);
  }
}

function isKey(value: unknown): value is CursorKey {
  return (
    Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)))
  );
}

/** The one answer to a cursor that cannot be used as given: BAD_USER_INPUT naming the argument. */
export function malformedCursor(argumentName: string) {
  return badUserInput(`The \`${argumentName}\` cursor is malformed; use a cursor exactly as this connection returned it.`, argumentName);
}

/** JSON with object keys sorted and undefined/null members dropped, so equal scopes digest equally. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(normalise(value));
}

function normalise(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(normalise);
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined && v !== null)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => [k, normalise(v)]);
    return Object.fromEntries(entries);
  }
  return value;
}

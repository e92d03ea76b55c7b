import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { badUserInput } from '../errors/graphql-errors';

/** The values of a row's sort key, id last: the position a cursor points at. */
export type CursorKey = ReadonlyArray<string | number>;

const SIGNATURE_BYTES = 12;

/**
 * Cursors are opaque to clients: base64url of `[binding, key]` followed by a
 * truncated HMAC, so a cursor cannot be forged or edited, and the binding (a
 * digest of the filter and order the page was asked with) makes a cursor fit
 * only the query that issued it.
 */
export class CursorCodec {
  constructor(private readonly secret: string) {}

  /** A short, stable digest of whatever a cursor must be bound to (a connection's filter and order). */
  static binding(scope: unknown): string {
    return createHash('sha256').update(canonicalJson(scope)).digest('base64url').slice(0, 16);
  }

  encode(binding: string, key: CursorKey): string {
    const body = Buffer.from(JSON.stringify([binding, key]), 'utf8');
    return Buffer.concat([body, this.sign(body)]).toString('base64url');
  }

  /** The key a cursor carries; BAD_USER_INPUT when it is malformed, tampered with, or issued for another query. */
  decode(cursor: string, binding: string, argumentName: string): CursorKey {
    const bytes = /^[A-Za-z0-9_-]+$/.test(cursor) ? Buffer.from(cursor, 'base64url') : Buffer.alloc(0);
    if (bytes.length <= SIGNATURE_BYTES) throw malformed(argumentName);
    const body = bytes.subarray(0, bytes.length - SIGNATURE_BYTES);
    const signature = bytes.subarray(bytes.length - SIGNATURE_BYTES);
    if (!timingSafeEqual(signature, this.sign(body))) throw malformed(argumentName);
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      throw malformed(argumentName);
    }
    if (!Array.isArray(parsed) || parsed.length !== 2 || typeof parsed[0] !== 'string' || !isKey(parsed[1])) {
      throw malformed(argumentName);
    }
    if (parsed[0] !== binding) {
      throw badUserInput(
        `The \`${argumentName}\` cursor was issued for a different filter or orderBy; a cursor only fits the filter and order it came from.`,
        argumentName,
      );
    }
    return parsed[1];
  }

  private sign(body: Buffer): Buffer {
    return createHmac('sha256', this.secret).update(body).digest().subarray(0, SIGNATURE_BYTES);
  }
}

function isKey(value: unknown): value is CursorKey {
  return Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string' || typeof v === 'number');
}

function malformed(argumentName: string) {
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

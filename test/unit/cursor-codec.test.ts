import { createHmac } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { CursorCodec, canonicalJson } from '../../src/core/paging/cursor-codec';

const codec = new CursorCodec('unit-test-secret');
const binding = CursorCodec.binding({ connection: 'customers', query: { includeDeleted: false }, order: { field: 'CREATED_AT' } });

function refusal(work: () => unknown): GraphQLError {
  try {
    work();
  } catch (error) {
    if (error instanceof GraphQLError) return error;
    throw error;
  }
  throw new Error('expected the cursor to be refused');
}

describe('CursorCodec', () => {
  it('round-trips a key through encode and decode', () => {
    const key = ['2025-01-02T03:04:05.678Z', 'cus_01JABCDEFGHJKMNPQRSTVWXYZ0'];
    const cursor = codec.encode(binding, key);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(codec.decode(cursor, binding, 'after')).toEqual(key);
  });

  it('round-trips numbers and non-ASCII text', () => {
    const key = [42, 'ørsted 李', 'cus_1'];
    expect(codec.decode(codec.encode(binding, key), binding, 'before')).toEqual(key);
  });

  it('shows none of the values it was cut at, in plain text, base64 or its bytes', () => {
    for (const value of ['smithson-äöü', 'ada.lovelace@example.com']) {
      const cursor = codec.encode(binding, [value, 'cus_01JABCDEFGHJKMNPQRSTVWXYZ0']);
      const bytes = Buffer.from(cursor, 'base64url');
      for (const text of [cursor, bytes.toString('utf8'), bytes.toString('latin1')]) {
        for (const plain of [value, 'cus_01JABCDEFGHJKMNPQRSTVWXYZ0', binding]) expect(text).not.toContain(plain);
      }
      // The base64 of the value at each of the three alignments it could have inside a longer base64 text.
      for (const shift of [0, 1, 2]) {
        const aligned = Buffer.from(`${'x'.repeat(shift)}${value}`, 'utf8')
          .toString('base64url')
          .slice(4, -4);
        expect(cursor).not.toContain(aligned);
      }
    }
  });

  it('gives one position one cursor (an edge and endCursor agree), and different positions unrelated ones', () => {
    expect(codec.encode(binding, ['a', 'cus_1'])).toBe(codec.encode(binding, ['a', 'cus_1']));
    const first = Buffer.from(codec.encode(binding, ['a', 'cus_1']), 'base64url');
    const second = Buffer.from(codec.encode(binding, ['a', 'cus_2']), 'base64url');
    expect(first.subarray(0, 12).equals(second.subarray(0, 12))).toBe(false);
  });

  it('stays short: a created-at cursor is under 160 characters', () => {
    expect(codec.encode(binding, ['2025-01-02T03:04:05.678Z', 'cus_01JABCDEFGHJKMNPQRSTVWXYZ0']).length).toBeLessThan(160);
  });

  it('refuses a cursor with any one byte altered', () => {
    const cursor = codec.encode(binding, ['2025-01-02T03:04:05.678Z', 'cus_01JABCDEFGHJKMNPQRSTVWXYZ0']);
    const bytes = Buffer.from(cursor, 'base64url');
    for (let index = 0; index < bytes.length; index += 1) {
      for (const mask of [0x01, 0x80]) {
        const altered = Buffer.from(bytes);
        altered[index]! ^= mask;
        const error = refusal(() => codec.decode(altered.toString('base64url'), binding, 'after'));
        expect(error.extensions.code).toBe('BAD_USER_INPUT');
        expect(error.message).toMatch(/malformed/);
      }
    }
  });

  it('refuses a cursor with any one character changed, cut short or extended', () => {
    const cursor = codec.encode(binding, ['a', 'cus_1']);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const variants: string[] = [cursor.slice(0, -1), cursor.slice(1), `${cursor}A`, `A${cursor}`];
    for (let index = 0; index < cursor.length; index += 1) {
      const replacement = alphabet[(alphabet.indexOf(cursor[index]!) + 1) % alphabet.length];
      variants.push(cursor.slice(0, index) + replacement + cursor.slice(index + 1));
    }
    for (const variant of variants) {
      expect(variant).not.toBe(cursor);
      expect(refusal(() => codec.decode(variant, binding, 'after')).extensions.code).toBe('BAD_USER_INPUT');
    }
  });

  it('refuses a cursor issued under another secret', () => {
    const foreign = new CursorCodec('another-secret-key').encode(binding, ['a', 'cus_1']);
    expect(refusal(() => codec.decode(foreign, binding, 'after')).extensions.code).toBe('BAD_USER_INPUT');
  });

  it('refuses a cursor of the earlier format (base64 JSON with an HMAC), even one signed with this secret', () => {
    const body = Buffer.from(JSON.stringify([binding, ['a', 'cus_1']]), 'utf8');
    const signature = createHmac('sha256', 'unit-test-secret').update(body).digest().subarray(0, 12);
    const earlier = Buffer.concat([body, signature]).toString('base64url');
    expect(refusal(() => codec.decode(earlier, binding, 'after')).extensions.code).toBe('BAD_USER_INPUT');
  });

  it.each([
    ['an empty string', ''],
    ['plain text', 'not a cursor'],
    ['short base64', 'abc'],
    ['characters outside base64url', '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!'],
    ['unsigned JSON', Buffer.from(JSON.stringify([binding, ['a', 'cus_1']])).toString('base64url')],
    ['long random base64url', Buffer.alloc(64, 7).toString('base64url')],
  ])('refuses garbage: %s', (_label, cursor) => {
    const error = refusal(() => codec.decode(cursor, binding, 'before'));
    expect(error.extensions.code).toBe('BAD_USER_INPUT');
    expect(error.extensions.argumentName).toBe('before');
    expect(error.message).toContain('`before`');
  });

  it('refuses an authentic cursor that does not carry a key', () => {
    // Seals an arbitrary body as the codec does, so the shape check after decryption is reached.
    const sealer = codec as unknown as { seal(plaintext: Buffer): string };
    const seal = (body: string) => sealer.seal(Buffer.from(body, 'utf8'));
    for (const body of ['[BINDING,[]]', '[BINDING,[null]]', '[BINDING]', '"text"', '[BINDING,[{}]]', '[BINDING,[1e400]]', 'not json']) {
      const cursor = seal(body.replace('BINDING', JSON.stringify(binding)));
      expect(refusal(() => codec.decode(cursor, binding, 'after')).extensions.code).toBe('BAD_USER_INPUT');
    }
  });

  it('refuses a cursor issued for another filter or order, saying so', () => {
    const other = CursorCodec.binding({ connection: 'customers', query: { includeDeleted: true }, order: { field: 'CREATED_AT' } });
    expect(other).not.toBe(binding);
    const cursor = codec.encode(binding, ['a', 'cus_1']);
    const error = refusal(() => codec.decode(cursor, other, 'after'));
    expect(error.extensions.code).toBe('BAD_USER_INPUT');
    expect(error.message).toMatch(/different filter or orderBy/);
    expect(error.message).not.toMatch(/malformed/);
  });
});

describe('CursorCodec.binding', () => {
  it('is the same for equal scopes whatever the key order, and ignores absent members', () => {
    expect(CursorCodec.binding({ a: 1, b: { c: 2, d: 3 } })).toBe(CursorCodec.binding({ b: { d: 3, c: 2 }, a: 1, e: undefined, f: null }));
  });

  it('differs when any value differs', () => {
    const base = { query: { emailKey: 'a@b.co', createdAfter: new Date('2025-01-01T00:00:00.000Z') }, order: 'ASC' };
    const variants = [
      { ...base, order: 'DESC' },
      { ...base, query: { ...base.query, emailKey: 'b@b.co' } },
      { ...base, query: { ...base.query, createdAfter: new Date('2025-01-01T00:00:00.001Z') } },
    ];
    for (const variant of variants) expect(CursorCodec.binding(variant)).not.toBe(CursorCodec.binding(base));
  });

  it('canonicalises dates to ISO strings and sorts keys', () => {
    expect(canonicalJson({ b: new Date('2025-01-01T00:00:00.000Z'), a: [{ d: 1, c: 2 }] })).toBe(
      '{"a":[{"c":2,"d":1}],"b":"2025-01-01T00:00:00.000Z"}',
    );
  });
});

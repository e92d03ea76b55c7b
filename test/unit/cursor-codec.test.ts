import { GraphQLError } from 'graphql';
import { CursorCodec, canonicalJson } from '../../src/pagination/cursor-codec';

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

  it('keeps the key out of plain sight (opaque, not readable JSON)', () => {
    const cursor = codec.encode(binding, ['smith', 'cus_1']);
    expect(cursor).not.toContain('smith');
  });

  it('refuses a cursor whose body was edited without re-signing', () => {
    const cursor = codec.encode(binding, ['a', 'cus_1']);
    const bytes = Buffer.from(cursor, 'base64url');
    const text = bytes.toString('latin1').replace('cus_1', 'cus_2');
    const tampered = Buffer.from(text, 'latin1').toString('base64url');
    expect(tampered).not.toBe(cursor);
    const error = refusal(() => codec.decode(tampered, binding, 'after'));
    expect(error.extensions.code).toBe('BAD_USER_INPUT');
    expect(error.message).toMatch(/malformed/);
  });

  it('refuses a cursor with a flipped signature byte', () => {
    const bytes = Buffer.from(codec.encode(binding, ['a', 'cus_1']), 'base64url');
    bytes[bytes.length - 1] ^= 0x01;
    const error = refusal(() => codec.decode(bytes.toString('base64url'), binding, 'after'));
    expect(error.extensions.code).toBe('BAD_USER_INPUT');
  });

  it('refuses a cursor signed with another secret', () => {
    const foreign = new CursorCodec('another-secret').encode(binding, ['a', 'cus_1']);
    expect(refusal(() => codec.decode(foreign, binding, 'after')).extensions.code).toBe('BAD_USER_INPUT');
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

  it('refuses a correctly signed cursor that does not carry a key', () => {
    // Signs an arbitrary body as the codec does, so the shape check after the signature check is reached.
    const signer = codec as unknown as { sign(body: Buffer): Buffer };
    const sign = (body: unknown) => {
      const raw = Buffer.from(JSON.stringify(body), 'utf8');
      return Buffer.concat([raw, signer.sign(raw)]).toString('base64url');
    };
    for (const body of [[binding, []], [binding, [null]], [binding], 'text', [binding, [{}]]]) {
      expect(refusal(() => codec.decode(sign(body), binding, 'after')).extensions.code).toBe('BAD_USER_INPUT');
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

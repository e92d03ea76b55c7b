import fc from 'fast-check';
import { exactCollationFor } from '../../src/data/migrations/column-options';
import { prefixRange } from '../../src/data/repositories/customer.repository';
import { checkInstant, filterInstant, isStorableInstant } from '../../src/domain/date-range.rules';

/** Code point order, as SQLite and a binary collation compare text. */
function compareCodePoints(a: string, b: string): number {
  const x = Array.from(a, (c) => c.codePointAt(0)!);
  const y = Array.from(b, (c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i += 1) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

describe('exactCollationFor', () => {
  it('picks the NO PAD binary collation of the server', () => {
    expect(exactCollationFor('10.11.19-MariaDB-0+deb12u1')).toBe('utf8mb4_nopad_bin');
    expect(exactCollationFor('11.4.2-MariaDB')).toBe('utf8mb4_nopad_bin');
    expect(exactCollationFor('8.0.36')).toBe('utf8mb4_0900_bin');
    expect(exactCollationFor('8.4.3-standard')).toBe('utf8mb4_0900_bin');
  });

  it('refuses a MySQL without a NO PAD binary collation', () => {
    expect(() => exactCollationFor('5.7.44')).toThrow(/MySQL 8/);
    expect(() => exactCollationFor('')).toThrow();
  });
});

describe('prefixRange', () => {
  it('raises the last code point, skipping surrogates and carrying past U+10FFFF', () => {
    expect(prefixRange('陳')).toEqual({ from: '陳', below: '陴' });
    expect(prefixRange('a\ud7ff')).toEqual({ from: 'a\ud7ff', below: 'a\ue000' });
    expect(prefixRange('a\uffff')).toEqual({ from: 'a\uffff', below: 'a\u{10000}' });
    expect(prefixRange('ab\u{10ffff}')).toEqual({ from: 'ab\u{10ffff}', below: 'ac' });
    expect(prefixRange('\u{10ffff}\u{10ffff}')).toEqual({ from: '\u{10ffff}\u{10ffff}', below: null });
  });

  it('holds exactly the texts that start with the prefix, in code point order', () => {
    const unit = fc.constantFrom('a', 'b', '陳', '陴', '\uffff', '\u{10000}', '𠀋', '\u{10ffff}', '\ud7ff', '\ue000');
    fc.assert(
      fc.property(fc.string({ unit, minLength: 1, maxLength: 4 }), fc.string({ unit, maxLength: 6 }), (prefix, text) => {
        const { from, below } = prefixRange(prefix);
        const inRange = compareCodePoints(text, from) >= 0 && (below === null || compareCodePoints(text, below) < 0);
        expect(inRange).toBe(text.startsWith(prefix));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('the date range', () => {
  it('accepts 1000-01-01T00:00:00.000Z to 9999-12-31T23:59:59.999Z and nothing beyond', () => {
    expect(isStorableInstant(new Date('1000-01-01T00:00:00.000Z'))).toBe(true);
    expect(isStorableInstant(new Date('9999-12-31T23:59:59.999Z'))).toBe(true);
    expect(isStorableInstant(new Date('0999-12-31T23:59:59.999Z'))).toBe(false);
    expect(isStorableInstant(new Date('+010000-01-01T00:00:00.000Z'))).toBe(false);
    expect(isStorableInstant(new Date(Number.NaN))).toBe(false);
    expect(checkInstant(new Date('0001-01-01T00:00:00.000Z'), 'occurredAt')).toMatchObject({ ok: false, code: 'INVALID' });
    expect(() => filterInstant(new Date('0001-01-01T00:00:00.000Z'), 'filter.createdAfter')).toThrow(
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) }),
    );
  });
});

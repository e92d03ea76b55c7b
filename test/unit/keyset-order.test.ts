import fc from 'fast-check';
import { byKeysetOrder, compareCodePoints, inOrder } from '../../src/data/partitioned-page';
import { Keyset } from '../../src/data/keyset';

interface Row {
  at: Date;
  id: string;
}

const timeline: Keyset<Row> = {
  columns: [
    { expression: 'a.occurred_at', value: (row) => row.at, fromCursor: (value) => new Date(value) },
    { expression: 'a.id', value: (row) => row.id, fromCursor: String },
  ],
  descending: true,
};

const sign = (value: number) => Math.sign(value) + 0;

describe('the order of a nested page, put together after the union', () => {
  it('compares text by code point, as the binary collations do (UTF-8 byte order)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (a, b) => {
        expect(sign(compareCodePoints(a, b))).toBe(sign(Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'))));
      }),
    );
    // UTF-16 code units put U+1F600 (a surrogate pair) before U+FF5E; code points and UTF-8 put it after.
    expect('\u{1F600}' < '\uFF5E').toBe(true);
    expect(compareCodePoints('\u{1F600}', '\uFF5E')).toBeGreaterThan(0);
  });

  it('puts rows in the keyset order away from the cursor, the tie-breaker deciding equal sort values', () => {
    const same = new Date('2026-01-01T00:00:00.000Z');
    const rows: Row[] = [
      { at: new Date('2025-12-31T23:59:59.999Z'), id: 'act_B' },
      { at: same, id: 'act_A' },
      { at: new Date('2026-01-01T00:00:00.001Z'), id: 'act_A' },
      { at: same, id: 'act_C' },
    ];
    const newestFirst = [...rows].sort(byKeysetOrder(timeline, false)).map((row) => `${row.at.toISOString()} ${row.id}`);
    expect(newestFirst).toEqual([
      '2026-01-01T00:00:00.001Z act_A',
      '2026-01-01T00:00:00.000Z act_C',
      '2026-01-01T00:00:00.000Z act_A',
      '2025-12-31T23:59:59.999Z act_B',
    ]);
    // Read backward (`last`/`before`), the page is read oldest first and reversed afterwards.
    const oldestFirst = [...rows].sort(byKeysetOrder(timeline, true)).map((row) => `${row.at.toISOString()} ${row.id}`);
    expect(oldestFirst).toEqual([...newestFirst].reverse());
  });

  it('sorts a parent’s rows when the union returned them out of order, and leaves them when they came in order', () => {
    const newestFirst = byKeysetOrder(timeline, false);
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 50 }), { maxLength: 12 }), (times) => {
        const rows = times.map((time, index) => ({ at: new Date(time), id: `act_${index}` }));
        const expected = [...rows].sort(newestFirst);
        expect(inOrder(rows, newestFirst)).toEqual(expected);
      }),
    );
    const ordered = [
      { at: new Date(2), id: 'act_B' },
      { at: new Date(1), id: 'act_A' },
    ];
    expect(inOrder(ordered, newestFirst)).toBe(ordered);
  });
});

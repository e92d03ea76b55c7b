import { newActivityId, newCustomerId } from '../../src/core/customer-ids';

const CROCKFORD_BASE32 = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

describe('ids', () => {
  it('are a prefix and a ULID whose time part orders them', () => {
    const earlier = newCustomerId(new Date('2026-01-01T00:00:00.000Z'));
    const later = newCustomerId(new Date('2026-01-01T00:00:00.001Z'));
    expect(earlier).toMatch(/^cus_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(newActivityId(new Date())).toMatch(/^act_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(later > earlier).toBe(true);
  });

  it('draw a fresh random part for every millisecond, past many refills of the random pool', () => {
    // Later than any id made so far: one at or before the last millisecond only increments the last random part.
    const start = Date.now() + 24 * 60 * 60 * 1000;
    // 16 bytes an id: 5,000 ids go through the 4 KiB pool about twenty times.
    const randomParts = Array.from({ length: 5_000 }, (_, index) => newCustomerId(new Date(start + index)).slice(-16));
    expect(new Set(randomParts).size).toBe(randomParts.length);
    const characters = new Map<string, number>();
    for (const part of randomParts) for (const character of part) characters.set(character, (characters.get(character) ?? 0) + 1);
    // Every character of the alphabet, each near 1/32 of 80,000 (2,500; a uniform draw strays far less than 20 %).
    expect([...characters.keys()].sort().join('')).toBe(CROCKFORD_BASE32);
    for (const count of characters.values()) expect(Math.abs(count - 2_500)).toBeLessThan(500);
  });

  it('increase strictly within one millisecond', () => {
    const now = new Date('2026-04-01T00:00:00.000Z');
    const ids = Array.from({ length: 1_000 }, () => newCustomerId(now));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

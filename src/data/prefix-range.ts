const MAX_CODE_POINT = 0x10ffff;

/**
 * The texts that start with `prefix` are exactly those in [from, below) in code
 * point order, which is how both dialects compare the exact key columns
 * (SQLite's memcmp of UTF-8, MySQL's NO PAD binary collation). `below` is the
 * prefix with its last code point raised by one (dropping trailing U+10FFFF,
 * skipping surrogates); null when no text is above every extension of it.
 */
export function prefixRange(prefix: string): { from: string; below: string | null } {
  const codePoints = Array.from(prefix, (character) => character.codePointAt(0)!);
  while (codePoints.length > 0 && codePoints[codePoints.length - 1] === MAX_CODE_POINT) codePoints.pop();
  if (codePoints.length === 0) return { from: prefix, below: null };
  const next = codePoints.pop()! + 1;
  codePoints.push(next === 0xd800 ? 0xe000 : next);
  return { from: prefix, below: String.fromCodePoint(...codePoints) };
}

import fc from 'fast-check';
import { channelTerms, customerTerms, withoutPrefixTerms } from '../../src/core/search/search-text';

/** Whether a search word (already folded) matches one of the terms: it is a prefix of it. */
const matches = (terms: readonly string[], word: string) => terms.some((term) => term.startsWith(word));

describe('search terms', () => {
  it('stores no term that is a prefix of another term of the same fields', () => {
    const terms = customerTerms({ givenName: 'Jace', familyName: 'Rosenbaum', emailAddress: 'Jace.Rosenbaum66@hotmail.com' });
    expect(terms).toEqual(['com', 'hotmail.com', 'jace.rosenbaum66@hotmail.com', 'rosenbaum66@hotmail.com']);
    // `jace` and `rosenbaum` are found through the e-mail address's terms.
    for (const word of ['jace', 'jac', 'rosenbaum', 'rosenbaum66', 'hotmail', 'com']) expect(matches(terms, word)).toBe(true);
    expect(matches(terms, 'rosenbaum67')).toBe(false);
  });

  it('keeps the terms of fields that no other term starts with', () => {
    expect(customerTerms({ givenName: 'Anna', familyName: 'Müller', emailAddress: 'ak@example.com' })).toEqual([
      'ak@example.com',
      'anna',
      'com',
      'example.com',
      'muller',
    ]);
  });

  it('drops the shorter of a channel value’s terms the same way', () => {
    expect(channelTerms('EMAIL', 'anna.k@example.com')).toEqual(['anna.k@example.com', 'com', 'example.com', 'k@example.com']);
    // `anna` on its own is the start of `anna anna_k` and of `anna_k`.
    expect(channelTerms('TWITTER', '@anna anna_k')).toEqual(['anna anna_k', 'anna_k', 'k']);
  });

  it('matches every word the full list of terms matches, and no other', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'b', 'ab', 'é', '😀', '\u{10ffff}'), maxLength: 6 });
    fc.assert(
      fc.property(fc.array(text, { maxLength: 12 }), fc.array(text, { maxLength: 8 }), (terms, words) => {
        const kept = withoutPrefixTerms(terms);
        expect(new Set(kept).size).toBe(kept.length);
        for (const term of kept) expect(kept.some((other) => other !== term && other.startsWith(term))).toBe(false);
        for (const word of [...words, ...terms]) expect(matches(kept, word)).toBe(matches(terms, word));
      }),
    );
  });
});

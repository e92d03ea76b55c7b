/** Brands are short identifiers: what a token's `brand` claim, a script's `--brand` and every table's brand column hold. */
export const BRAND_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;

export const BRAND_RULE = '1 to 64 letters, digits, _ . : or -, starting with a letter or digit';

export function isBrand(value: unknown): value is string {
  return typeof value === 'string' && BRAND_PATTERN.test(value);
}

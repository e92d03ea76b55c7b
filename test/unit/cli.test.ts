import { isBrand } from '../../src/core/brand';
import { brandOption, parseOptions, UsageError } from '../../src/scripts/cli';

describe('script command lines', () => {
  it('take a --brand only when a token could carry it', () => {
    expect(brandOption('default')).toBe('default');
    expect(brandOption('eu.shop:1')).toBe('eu.shop:1');
    expect(brandOption('b'.repeat(64))).toBe('b'.repeat(64));
    for (const bad of ['', ' default', 'default ', 'a b', 'b'.repeat(65), 'brand😀', '-leading', 'x\u0000y']) {
      expect(isBrand(bad)).toBe(false);
      expect(() => brandOption(bad)).toThrow(UsageError);
    }
  });

  it('turn an unknown option or a positional into a UsageError', () => {
    const options = { file: { type: 'string' } } as const;
    expect(parseOptions(['--file', 'a.csv'], options)).toEqual({ file: 'a.csv' });
    expect(() => parseOptions(['--nope'], options)).toThrow(UsageError);
    expect(() => parseOptions(['a.csv'], options)).toThrow(UsageError);
  });
});

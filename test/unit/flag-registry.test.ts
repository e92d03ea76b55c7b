import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../src/core/config';
import { FlagRegistry } from '../../src/domain/flag/flag-registry';

function refusal(parsed: unknown): Error {
  try {
    FlagRegistry.fromJson(parsed, 'flags.json');
  } catch (error) {
    return error as Error;
  }
  throw new Error('the registry was accepted');
}

describe('FlagRegistry.fromJson', () => {
  it('reads name, description and readOnly, defaulting description to null and readOnly to false', () => {
    const registry = FlagRegistry.fromJson([{ name: 'vip', description: 'Valued.', readOnly: true }, { name: 'a.b-c_1' }], 'flags.json');
    expect(registry.definitions).toEqual([
      { name: 'vip', description: 'Valued.', readOnly: true },
      { name: 'a.b-c_1', description: null, readOnly: false },
    ]);
    expect(registry.get('vip')).toEqual({ name: 'vip', description: 'Valued.', readOnly: true });
    expect(registry.get('VIP')).toBeUndefined();
  });

  it('accepts an empty registry', () => {
    expect(FlagRegistry.fromJson([], 'flags.json').definitions).toEqual([]);
  });

  it.each([
    ['an object', { name: 'vip' }],
    ['a string', 'vip'],
    ['null', null],
  ])('refuses %s instead of an array, naming CUSTOMER_FLAGS_FILE', (_label, parsed) => {
    const error = refusal(parsed);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(/CUSTOMER_FLAGS_FILE/);
    expect(error.message).toMatch(/array/);
  });

  it.each([
    ['an upper-case name', 'VIP'],
    ['an empty name', ''],
    ['a name starting with a digit', '1vip'],
    ['a name with a space', 'v ip'],
    ['a name of 65 characters', `a${'b'.repeat(64)}`],
    ['a number as name', 42],
    ['a missing name', undefined],
  ])('refuses %s, naming CUSTOMER_FLAGS_FILE and the entry', (_label, name) => {
    const error = refusal([{ name: 'ok' }, { name }]);
    expect(error.message).toMatch(/CUSTOMER_FLAGS_FILE/);
    expect(error.message).toMatch(/entry 1/);
    expect(error.message).toMatch(/"name"/);
  });

  it('accepts a name of 64 characters', () => {
    const name = `a${'b'.repeat(63)}`;
    expect(FlagRegistry.fromJson([{ name }], 'flags.json').get(name)).toBeDefined();
  });

  it('refuses a flag defined twice, naming CUSTOMER_FLAGS_FILE and the flag', () => {
    const error = refusal([{ name: 'vip' }, { name: 'other' }, { name: 'vip', readOnly: true }]);
    expect(error.message).toMatch(/CUSTOMER_FLAGS_FILE/);
    expect(error.message).toMatch(/entry 2/);
    expect(error.message).toMatch(/"vip" is defined twice/);
  });

  it.each([
    ['a string', 'true'],
    ['a number', 1],
    ['null', null],
  ])('refuses readOnly given as %s, naming CUSTOMER_FLAGS_FILE', (_label, readOnly) => {
    const error = refusal([{ name: 'vip', readOnly }]);
    expect(error.message).toMatch(/CUSTOMER_FLAGS_FILE/);
    expect(error.message).toMatch(/"readOnly"/);
  });

  it('refuses a description that is not a string, an entry that is not an object, and unknown keys', () => {
    expect(refusal([{ name: 'vip', description: 5 }]).message).toMatch(/CUSTOMER_FLAGS_FILE.*"description"/);
    expect(refusal(['vip']).message).toMatch(/CUSTOMER_FLAGS_FILE.*must be an object/);
    expect(refusal([{ name: 'vip', readonly: true }]).message).toMatch(/CUSTOMER_FLAGS_FILE.*unknown key\(s\) readonly/);
  });
});

describe('FlagRegistry.fromFile', () => {
  let directory: string;

  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'flag-registry-'));
  });

  afterAll(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  it('reads the repository default registry', () => {
    const registry = FlagRegistry.fromFile(join(__dirname, '../../config/flags.json'));
    expect(registry.get('vip')?.readOnly).toBe(false);
    expect(registry.definitions.some((flag) => flag.readOnly)).toBe(true);
  });

  it('refuses a missing file and a file that is not JSON, naming CUSTOMER_FLAGS_FILE', () => {
    const broken = join(directory, 'broken.json');
    writeFileSync(broken, '[{"name":');
    expect(() => FlagRegistry.fromFile(join(directory, 'missing.json'))).toThrow(/CUSTOMER_FLAGS_FILE.*cannot be read/);
    expect(() => FlagRegistry.fromFile(broken)).toThrow(/CUSTOMER_FLAGS_FILE.*not valid JSON/);
  });
});

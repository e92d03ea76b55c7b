import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CriticalityLevel } from '@graphql-inspector/core';
import { parse, print, visit } from 'graphql';
import { findSchemaChanges, formatSchemaChanges, parseArguments } from '../../src/scripts/check-schema';
import { COMMITTED_SCHEMA_FILE } from '../../src/scripts/committed-schema-file';

const ROOT = join(__dirname, '..', '..');
const COMMITTED = readFileSync(COMMITTED_SCHEMA_FILE, 'utf8');

/** `sdl` with `Customer.<field>` removed. */
function withoutCustomerField(sdl: string, field: string): string {
  let inCustomer = false;
  return print(
    visit(parse(sdl), {
      ObjectTypeDefinition: {
        enter: (node) => void (inCustomer = node.name.value === 'Customer'),
        leave: () => void (inCustomer = false),
      },
      FieldDefinition: (node) => (inCustomer && node.name.value === field ? null : undefined),
    }),
  );
}

/** `sdl` with a nullable String field added to Customer. */
function withCustomerField(sdl: string, field: string): string {
  const updated = sdl.replace(/(type Customer\b[^{]*\{\n)/, `$1  ${field}: String\n\n`);
  expect(updated).not.toBe(sdl);
  return updated;
}

describe('findSchemaChanges', () => {
  it('finds nothing between a schema and itself', async () => {
    expect(await findSchemaChanges(COMMITTED, COMMITTED)).toEqual([]);
  });

  it('reports removing Customer.emailAddress as breaking', async () => {
    const changes = await findSchemaChanges(COMMITTED, withoutCustomerField(COMMITTED, 'emailAddress'));
    expect(changes.map((change) => [change.path, change.criticality.level])).toEqual([
      ['Customer.emailAddress', CriticalityLevel.Breaking],
    ]);
  });

  it('reports adding a field as safe', async () => {
    const changes = await findSchemaChanges(COMMITTED, withCustomerField(COMMITTED, 'loyaltyTier'));
    expect(changes.map((change) => [change.path, change.criticality.level])).toEqual([
      ['Customer.loyaltyTier', CriticalityLevel.NonBreaking],
    ]);
  });
});

describe('formatSchemaChanges', () => {
  it('groups changes by criticality, breaking first', async () => {
    const changed = withCustomerField(withoutCustomerField(COMMITTED, 'phoneNumber'), 'loyaltyTier');
    const report = formatSchemaChanges(await findSchemaChanges(COMMITTED, changed));
    expect(report).toMatch(/^Breaking changes \(1\):\n {2}- .*'phoneNumber'.*\(Customer\.phoneNumber\)/);
    expect(report).toMatch(/\n\nSafe changes \(1\):\n {2}- .*'loyaltyTier'.*\(Customer\.loyaltyTier\)/);
    expect(report.indexOf('Breaking')).toBeLessThan(report.indexOf('Safe'));
  });

  it('says so when nothing changed', () => {
    expect(formatSchemaChanges([])).toBe('No changes.');
  });
});

describe('parseArguments', () => {
  it('compares with the committed schema by default, or with --against <file>', () => {
    expect(parseArguments([])).toEqual({ against: COMMITTED_SCHEMA_FILE });
    expect(parseArguments(['--against', 'prod.graphql'])).toEqual({ against: 'prod.graphql' });
    expect(parseArguments(['--against=prod.graphql'])).toEqual({ against: 'prod.graphql' });
  });

  it('refuses arguments it does not know', () => {
    expect(() => parseArguments(['--agianst', 'x'])).toThrow(/Unknown argument "--agianst"/);
  });
});

describe('npm run schema:check (the script as a process)', () => {
  let directory: string;

  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'schema-check-'));
  });

  afterAll(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  function runCheck(against: string): { status: number | null; stdout: string; stderr: string } {
    const result = spawnSync(
      process.execPath,
      ['-r', './test/helpers/swc-register.js', 'src/scripts/check-schema.ts', '--against', against],
      { cwd: ROOT, encoding: 'utf8', timeout: 60_000 },
    );
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  it('exits 1 and names the field when the working schema lost a field the baseline has', () => {
    const baseline = join(directory, 'baseline-with-extra-field.graphql');
    writeFileSync(baseline, withCustomerField(COMMITTED, 'loyaltyTier'));

    const { status, stdout, stderr } = runCheck(baseline);

    expect(stderr).toBe('');
    expect(stdout).toContain('Breaking changes (1):');
    expect(stdout).toContain('Customer.loyaltyTier');
    expect(status).toBe(1);
  });

  it('exits 0 when the working schema only adds to the baseline', () => {
    const baseline = join(directory, 'baseline-without-field.graphql');
    writeFileSync(baseline, withoutCustomerField(COMMITTED, 'emailAddress'));

    const { status, stdout } = runCheck(baseline);

    expect(stdout).toContain('Safe changes');
    expect(stdout).toContain('Customer.emailAddress');
    expect(stdout).not.toContain('Breaking changes');
    expect(status).toBe(0);
  });
});

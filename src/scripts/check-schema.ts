import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { Change, CriticalityLevel, diff } from '@graphql-inspector/core';
import { buildSchema } from 'graphql';
import { buildCustomerSchema, printCustomerSchema } from '../api/schema';
import { COMMITTED_SCHEMA_FILE } from './committed-schema-file';
import { runScript } from './run-script';

/**
 * `npm run schema:check [-- --against <file>]`: compares the schema this code
 * serves with the committed src/schema/schema.graphql (or another SDL file,
 * e.g. the one in production), prints every change by criticality, and exits
 * 1 when any change is breaking for existing clients.
 */

const ORDER: readonly CriticalityLevel[] = [CriticalityLevel.Breaking, CriticalityLevel.Dangerous, CriticalityLevel.NonBreaking];

const HEADINGS: Record<CriticalityLevel, string> = {
  [CriticalityLevel.Breaking]: 'Breaking changes',
  [CriticalityLevel.Dangerous]: 'Dangerous changes',
  [CriticalityLevel.NonBreaking]: 'Safe changes',
};

/** Every change from `oldSdl` to `newSdl`, as @graphql-inspector classifies it. */
export async function findSchemaChanges(oldSdl: string, newSdl: string): Promise<Change[]> {
  return diff(buildSchema(oldSdl), buildSchema(newSdl));
}

export function isBreaking(change: Change): boolean {
  return change.criticality.level === CriticalityLevel.Breaking;
}

/** The report printed by the script: one section per criticality, breaking first; empty sections left out. */
export function formatSchemaChanges(changes: readonly Change[]): string {
  if (changes.length === 0) return 'No changes.';
  return ORDER.filter((level) => changes.some((change) => change.criticality.level === level))
    .map((level) => {
      const lines = changes
        .filter((change) => change.criticality.level === level)
        .map((change) => {
          const reason = change.criticality.reason ? `\n      ${change.criticality.reason}` : '';
          return `  - ${change.message}${change.path ? ` (${change.path})` : ''}${reason}`;
        });
      return `${HEADINGS[level]} (${lines.length}):\n${lines.join('\n')}`;
    })
    .join('\n\n');
}

export function parseArguments(argv: readonly string[]): { against: string } {
  let against = COMMITTED_SCHEMA_FILE;
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i]!;
    if (argument === '--against' && argv[i + 1] !== undefined) {
      against = argv[++i]!;
    } else if (argument.startsWith('--against=')) {
      against = argument.slice('--against='.length);
    } else {
      throw new Error(`Unknown argument "${argument}". Usage: npm run schema:check [-- --against <schema.graphql>]`);
    }
  }
  return { against };
}

async function main(argv: readonly string[]): Promise<number> {
  const { against } = parseArguments(argv);
  const baseline = readFileSync(against, 'utf8');
  const working = printCustomerSchema(await buildCustomerSchema());
  const changes = await findSchemaChanges(baseline, working);

  const shown = relative(process.cwd(), against);
  console.log(`Schema changes from ${shown.startsWith('..') ? against : shown} to the schema this code serves:\n`);
  console.log(formatSchemaChanges(changes));
  const breaking = changes.filter(isBreaking).length;
  if (breaking > 0) {
    console.log(`\n${breaking} breaking change(s): clients or other subgraphs relying on them would fail.`);
    return 1;
  }
  if (against === COMMITTED_SCHEMA_FILE && changes.length > 0) {
    console.log('\nNo breaking changes. Run `npm run schema` to update the committed schema.');
  }
  return 0;
}

if (require.main === module) runScript(main);

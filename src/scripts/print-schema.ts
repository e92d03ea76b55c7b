import 'reflect-metadata';
import { relative } from 'node:path';
import { writeFileSync } from 'node:fs';
import { buildCustomerSchema, printCustomerSchema } from '../api/schema';
import { COMMITTED_SCHEMA_FILE } from './committed-schema-file';
import { runScript } from './run-script';

/** `npm run schema`: writes the SDL the subgraph serves to src/schema/schema.graphql. */
async function main(): Promise<number> {
  writeFileSync(COMMITTED_SCHEMA_FILE, printCustomerSchema(await buildCustomerSchema()));
  console.log(`Wrote ${relative(process.cwd(), COMMITTED_SCHEMA_FILE)}`);
  return 0;
}

runScript(main);

import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildCustomerSchema, printCustomerSchema } from '../api/schema';

/** `npm run schema`: writes the SDL the subgraph serves to src/schema/schema.graphql. */
export const SCHEMA_FILE = join(__dirname, '..', '..', 'src', 'schema', 'schema.graphql');

async function main(): Promise<void> {
  const sdl = printCustomerSchema(await buildCustomerSchema());
  writeFileSync(SCHEMA_FILE, sdl);
  console.log(`Wrote ${SCHEMA_FILE.replace(process.cwd() + '/', '')}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

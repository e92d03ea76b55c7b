import { join } from 'node:path';

/** The committed SDL, src/schema/schema.graphql: the same path from src/scripts and from dist/scripts. */
export const COMMITTED_SCHEMA_FILE = join(__dirname, '..', '..', 'src', 'schema', 'schema.graphql');

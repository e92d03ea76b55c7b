import { createHash } from 'node:crypto';
import { dialect, TestServer } from './test-server';

/** Every table of the test database, read from the catalogue rather than from the entities, so a new table cannot be missed. */
export async function listTables(t: TestServer): Promise<string[]> {
  const rows =
    dialect === 'sqlite'
      ? await t.sql<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      : await t.sql<{ name: string }>(
          "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE'",
        );
  return rows.map((row) => row.name).sort();
}

/** The columns of a table, with their declared types. */
export async function listColumns(t: TestServer, table: string): Promise<Array<{ name: string; type: string }>> {
  return dialect === 'sqlite'
    ? t.sql<{ name: string; type: string }>('SELECT name, type FROM pragma_table_info(?)', [table])
    : t.sql<{ name: string; type: string }>(
        'SELECT column_name AS name, data_type AS type FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ?',
        [table],
      );
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Every row of every table, each row's cells as text keyed by column. */
export async function readAllRows(t: TestServer): Promise<Map<string, Array<Record<string, string>>>> {
  const tables = new Map<string, Array<Record<string, string>>>();
  for (const table of await listTables(t)) {
    const quoted = dialect === 'sqlite' ? `"${table}"` : `\`${table}\``;
    const rows = await t.sql<Record<string, unknown>>(`SELECT * FROM ${quoted}`);
    tables.set(
      table,
      rows.map((row) => Object.fromEntries(Object.entries(row).map(([column, value]) => [column, cellText(value)]))),
    );
  }
  return tables;
}

export interface DatabaseSnapshot {
  counts: Record<string, number>;
  digest: string;
}

/** Row counts of every table and a digest of all their rows (order-independent), to tell whether anything changed. */
export async function snapshotDatabase(t: TestServer): Promise<DatabaseSnapshot> {
  // Events committed so far are numbered first: the sequencer's background numbering is not a change of the request's.
  await t.server.services.eventSequencer.catchUp();
  const hash = createHash('sha256');
  const counts: Record<string, number> = {};
  for (const [table, rows] of await readAllRows(t)) {
    counts[table] = rows.length;
    hash.update(`${table}\n`);
    for (const line of rows.map((row) => JSON.stringify(row)).sort()) hash.update(`${line}\n`);
  }
  return { counts, digest: hash.digest('hex') };
}

export interface TextHit {
  table: string;
  column: string;
  needle: string;
}

/**
 * Searches every text-like column of every table for each needle, case-insensitively
 * (the service keeps lower-cased copies of names and e-mail addresses for matching).
 */
export async function findText(t: TestServer, needles: readonly string[]): Promise<TextHit[]> {
  const hits: TextHit[] = [];
  const rowsByTable = await readAllRows(t);
  for (const [table, rows] of rowsByTable) {
    const textColumns = (await listColumns(t, table))
      .filter((column) => /char|text|json|clob|blob/i.test(column.type))
      .map((column) => column.name);
    for (const column of textColumns) {
      for (const needle of needles) {
        const lower = needle.toLowerCase();
        if (rows.some((row) => (row[column] ?? '').toLowerCase().includes(lower))) hits.push({ table, column, needle });
      }
    }
  }
  return hits;
}

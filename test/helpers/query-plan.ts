/** One table access of a MariaDB `ANALYZE FORMAT=JSON` plan (the fields the plan tests read). */
export interface TableAccess {
  table_name: string;
  access_type: string;
  possible_keys?: string[];
  key?: string;
  used_key_parts?: string[];
  r_rows?: number;
  r_loops?: number;
}

/** Every table access of a MariaDB `ANALYZE FORMAT=JSON` plan, subqueries and derived tables included. */
export function tableAccesses(node: unknown, found: TableAccess[] = []): TableAccess[] {
  if (Array.isArray(node)) {
    for (const item of node) tableAccesses(item, found);
  } else if (node !== null && typeof node === 'object') {
    const record = node as Record<string, unknown>;
    if (typeof record.table_name === 'string' && typeof record.access_type === 'string') found.push(record as unknown as TableAccess);
    for (const value of Object.values(record)) tableAccesses(value, found);
  }
  return found;
}

import { GraphQLResponse } from './test-server';

/** What the import endpoint answered: status and JSON body. */
export interface HttpAnswer<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

/** POSTs a CSV body to /imports/customers of the server at `baseUrl` (its /graphql URL works too). */
export async function postCsv(
  url: string,
  csv: string | Buffer,
  headers: Record<string, string> = {},
  contentType = 'text/csv',
): Promise<HttpAnswer<{ id?: string; status?: string; errors?: Array<{ message: string; extensions: { code: string } }> }>> {
  const response = await fetch(new URL('/imports/customers', url), {
    method: 'POST',
    headers: { 'content-type': contentType, ...headers },
    body: csv,
  });
  return { status: response.status, body: (await response.json()) as never, headers: response.headers };
}

export const IMPORT_QUERY = /* GraphQL */ `
  query Import($id: ID!, $first: Int, $after: String) {
    customerImport(id: $id) {
      id
      status
      totalRows
      rowsProcessed
      created
      updated
      failed
      createdAt
      finishedAt
      failure
      errors(first: $first, after: $after) {
        nodes {
          row
          column
          code
          message
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
`;

export interface ImportView {
  id: string;
  status: string;
  totalRows: number;
  rowsProcessed: number;
  created: number;
  updated: number;
  failed: number;
  createdAt: string;
  finishedAt: string | null;
  failure: string | null;
  errors: {
    nodes: Array<{ row: number; column: string | null; code: string; message: string }>;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

type GraphQL = (query: string, variables?: Record<string, unknown>, headers?: Record<string, string>) => Promise<GraphQLResponse<unknown>>;

/** Polls customerImport until it has finished (SUCCEEDED or FAILED), or fails after `timeoutMs`. */
export async function untilFinished(
  graphql: GraphQL,
  id: string,
  headers: Record<string, string> = {},
  timeoutMs = 60_000,
): Promise<ImportView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = (await graphql(IMPORT_QUERY, { id, first: 1000 }, headers)) as GraphQLResponse<{ customerImport: ImportView | null }>;
    if (response.errors) throw new Error(JSON.stringify(response.errors));
    const job = response.data?.customerImport;
    if (job && (job.status === 'SUCCEEDED' || job.status === 'FAILED')) return job;
    if (Date.now() > deadline) throw new Error(`import ${id} did not finish within ${timeoutMs} ms: ${JSON.stringify(job)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A CSV text from a header and rows (cells quoted when they need it). */
export function csvOf(header: string[], rows: Array<Array<string | number>>): string {
  const quote = (cell: string | number) => {
    const text = String(cell);
    return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [header, ...rows].map((row) => row.map(quote).join(',')).join('\n') + '\n';
}

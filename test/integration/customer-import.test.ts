import { uniqueLetters } from '../helpers/customer-api';
import { csvOf, IMPORT_QUERY, ImportView, postCsv, untilFinished } from '../helpers/imports';
import { describeDb, startTestServer, TestServer } from '../helpers/test-server';
import { bearer, hs256Token, TEST_JWT_SECRET } from '../helpers/tokens';

const HEADER = ['externalId', 'givenName', 'familyName', 'emailAddress', 'phoneNumber', 'languageCode', 'tier'];

describeDb('POST /imports/customers and Query.customerImport', () => {
  let t: TestServer;
  let acme: Record<string, string>;

  beforeAll(async () => {
    t = await startTestServer({
      AUTH_JWT_SECRET: TEST_JWT_SECRET,
      IMPORT_MAX_BYTES: String(2 * 1024 * 1024),
      IMPORT_CHUNK_ROWS: '500',
      IMPORT_POLL_MS: '100',
    });
    acme = bearer(await hs256Token({ claims: { brand: 'acme' } }));
  });
  afterAll(() => t.close());

  const graphql = (query: string, variables?: Record<string, unknown>, headers?: Record<string, string>) =>
    t.graphql(query, variables, headers ?? acme);

  async function runImport(csv: string, headers = acme): Promise<ImportView> {
    const answer = await postCsv(t.server.url, csv, headers);
    expect(answer.status).toBe(202);
    expect(answer.body).toEqual({ id: expect.stringMatching(/^imp_[0-9A-Z]{26}$/), status: 'QUEUED' });
    return untilFinished(graphql, answer.body.id!, headers);
  }

  it('imports a few thousand rows, writes the valid ones and reports every invalid one by row, column and code', async () => {
    const prefix = `bulk-${uniqueLetters()}`;
    const rows = Array.from({ length: 3000 }, (_, index) => [
      `${prefix}-${index}`,
      `Given${'abcdefghij'[index % 10]}`,
      'Imported',
      index % 250 === 7 ? 'not-an-address' : `p${index}@example.com`,
      index % 400 === 11 ? '12' : '',
      index % 3 === 0 ? 'en-us' : '',
      `t${index % 5}`,
    ]);
    // Row 1001 (index 1000) has no names: BLANK on create; row 2001 no external id.
    rows[1000]![1] = '';
    rows[1000]![2] = '';
    rows[2000]![0] = '';
    const job = await runImport(csvOf(HEADER, rows));

    const badEmails = rows.map((_, index) => index).filter((index) => index % 250 === 7);
    const badPhones = rows.map((_, index) => index).filter((index) => index % 400 === 11);
    const expected = [
      ...badEmails.map((index) => ({ row: index + 1, column: 'emailAddress', code: 'INVALID' })),
      ...badPhones.map((index) => ({ row: index + 1, column: 'phoneNumber', code: 'INVALID' })),
      { row: 1001, column: 'givenName', code: 'BLANK' },
      { row: 2001, column: 'externalId', code: 'INVALID' },
    ].sort((a, b) => a.row - b.row);
    const failedRows = new Set(expected.map((error) => error.row));
    expect(job).toMatchObject({
      status: 'SUCCEEDED',
      totalRows: 3000,
      rowsProcessed: 3000,
      created: 3000 - failedRows.size,
      updated: 0,
      failed: failedRows.size,
      finishedAt: expect.any(String),
      failure: null,
    });
    expect(job.errors.nodes.map(({ row, column, code }) => ({ row, column, code }))).toEqual(expected);
    expect(job.errors.pageInfo.hasNextPage).toBe(false);

    const [stored] = await t.sql<{ count: number | string }>(
      'SELECT COUNT(*) AS count FROM customers WHERE brand = ? AND external_id LIKE ?',
      ['acme', `${prefix}-%`],
    );
    expect(Number(stored!.count)).toBe(3000 - failedRows.size);
    const [sample] = await t.sql<{ language_code: string | null; metadata: string; email_address: string }>(
      'SELECT language_code, metadata, email_address FROM customers WHERE brand = ? AND external_id = ?',
      ['acme', `${prefix}-3`],
    );
    expect(sample).toEqual({ language_code: 'en-US', metadata: JSON.stringify({ tier: 't3' }), email_address: 'p3@example.com' });
    // Each created customer has its CREATED event, written by the same path as upsertCustomers.
    const [events] = await t.sql<{ count: number | string }>(
      `SELECT COUNT(*) AS count FROM customer_events e JOIN customers c ON c.id = e.customer_id
        WHERE c.external_id LIKE ? AND e.type = 'CREATED'`,
      [`${prefix}-%`],
    );
    expect(Number(events!.count)).toBe(3000 - failedRows.size);
    // Every chunk's rows are gone once applied.
    const [left] = await t.sql<{ count: number | string }>('SELECT COUNT(*) AS count FROM customer_import_chunks WHERE import_id = ?', [
      job.id,
    ]);
    expect(Number(left!.count)).toBe(0);
  });

  it('pages the errors forward with first/after', async () => {
    const prefix = `page-${uniqueLetters()}`;
    const rows = Array.from({ length: 30 }, (_, index) => [
      `${prefix}-${index}`,
      'Page',
      'Errors',
      index % 2 === 0 ? 'bad' : '',
      '',
      '',
      '',
    ]);
    const job = await runImport(csvOf(HEADER, rows));
    expect(job.failed).toBe(15);
    const seen: number[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page += 1) {
      const response = (await graphql(IMPORT_QUERY, { id: job.id, first: 4, after })) as { data: { customerImport: ImportView } };
      const errors = response.data.customerImport.errors;
      seen.push(...errors.nodes.map((error) => error.row));
      if (!errors.pageInfo.hasNextPage) break;
      after = errors.pageInfo.endCursor;
    }
    expect(seen).toEqual(Array.from({ length: 15 }, (_, index) => index * 2 + 1));
  });

  it('re-importing the same file updates every row and creates none', async () => {
    const prefix = `again-${uniqueLetters()}`;
    const rows = Array.from({ length: 1200 }, (_, index) => [`${prefix}-${index}`, 'Again', `Row${'abc'[index % 3]}`, '', '', '', 'gold']);
    const csv = csvOf(HEADER, rows);
    const first = await runImport(csv);
    expect([first.created, first.updated, first.failed]).toEqual([1200, 0, 0]);
    const second = await runImport(csv);
    expect([second.created, second.updated, second.failed, second.rowsProcessed]).toEqual([0, 1200, 0, 1200]);
    const [counts] = await t.sql<{ customers: number | string; maxVersion: number | string }>(
      'SELECT COUNT(*) AS customers, MAX(version) AS maxVersion FROM customers WHERE external_id LIKE ?',
      [`${prefix}-%`],
    );
    // Nothing changed the second time: no new version.
    expect([Number(counts!.customers), Number(counts!.maxVersion)]).toEqual([1200, 1]);
  });

  it('turns every other column into a metadata key, and an empty cell leaves its field or key alone', async () => {
    const externalId = `meta-${uniqueLetters()}`;
    await runImport(
      csvOf(
        ['externalId', 'givenName', 'familyName', 'emailAddress', 'tier', 'region'],
        [[externalId, 'Meta', 'Data', 'm@example.com', 'gold', 'EU']],
      ),
    );
    const job = await runImport(
      csvOf(
        ['externalId', 'givenName', 'familyName', 'emailAddress', 'tier', 'region', 'source'],
        [[externalId, '', 'Changed', '', 'silver', '', 'crm']],
      ),
    );
    expect([job.created, job.updated]).toEqual([0, 1]);
    const [row] = await t.sql<{
      given_name: string;
      family_name: string;
      email_address: string;
      metadata: string;
      version: number | string;
    }>('SELECT given_name, family_name, email_address, metadata, version FROM customers WHERE external_id = ?', [externalId]);
    expect({ ...row, metadata: JSON.parse(row!.metadata), version: Number(row!.version) }).toEqual({
      given_name: 'Meta',
      family_name: 'Changed',
      email_address: 'm@example.com',
      metadata: { tier: 'silver', region: 'EU', source: 'crm' },
      version: 2,
    });
  });

  it('reports a row whose cell count differs from the header, and reads quoted cells with commas and line breaks', async () => {
    const prefix = `cells-${uniqueLetters()}`;
    const csv = `externalId,givenName,familyName,note\n${prefix}-1,"Anne Marie",Quoted,"one, two\nlines"\n${prefix}-2,Short\n\n${prefix}-3,Third,Row,x\n`;
    const job = await runImport(csv);
    expect([job.totalRows, job.created, job.failed]).toEqual([3, 2, 1]);
    expect(job.errors.nodes).toEqual([
      { row: 2, column: null, code: 'INVALID', message: 'The row has 2 cells; the header has 4 columns.' },
    ]);
    const [row] = await t.sql<{ given_name: string; metadata: string }>(
      'SELECT given_name, metadata FROM customers WHERE external_id = ?',
      [`${prefix}-1`],
    );
    expect([row!.given_name, JSON.parse(row!.metadata)]).toEqual(['Anne Marie', { note: 'one, two\nlines' }]);
  });

  it('refuses a header without externalId, an empty body, malformed CSV, another content type and an oversized body, storing nothing', async () => {
    const before = await t.sql<{ count: number | string }>('SELECT COUNT(*) AS count FROM customer_imports');
    const noExternalId = await postCsv(t.server.url, 'givenName,familyName\nA,B\n', acme);
    expect(noExternalId.status).toBe(400);
    expect(noExternalId.body.errors?.[0]).toEqual({
      message: expect.stringContaining('"externalId"'),
      extensions: { code: 'BAD_REQUEST' },
    });
    const duplicate = await postCsv(t.server.url, 'externalId,tier,tier\nA,B,C\n', acme);
    expect([duplicate.status, duplicate.body.errors?.[0]?.message]).toEqual([400, 'The header names the column "tier" twice.']);
    const empty = await postCsv(t.server.url, '', acme);
    expect(empty.status).toBe(400);
    const malformed = await postCsv(t.server.url, `externalId,givenName\n${'x,y\n'.repeat(1200)}"unclosed,quote\n`, acme);
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors?.[0]?.message).toMatch(/could not be read at line/);
    const json = await postCsv(t.server.url, '{"externalId":"a"}', acme, 'application/json');
    expect([json.status, json.body.errors?.[0]?.extensions.code]).toEqual([415, 'BAD_REQUEST']);
    const latin1 = await postCsv(t.server.url, 'externalId\na\n', acme, 'text/csv; charset=iso-8859-1');
    expect(latin1.status).toBe(415);
    const big = await postCsv(t.server.url, `externalId,givenName\n${'row,Name\n'.repeat(300_000)}`, acme);
    expect([big.status, big.body.errors?.[0]?.extensions.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    // Streamed without a length: the byte guard stops it.
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('externalId,givenName\n'));
        for (let index = 0; index < 300; index += 1) controller.enqueue(new TextEncoder().encode(`row${index},${'x'.repeat(10_000)}\n`));
        controller.close();
      },
    });
    const chunked = await fetch(new URL('/imports/customers', t.server.url), {
      method: 'POST',
      headers: { 'content-type': 'text/csv', ...acme },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
    const after = await t.sql<{ count: number | string }>('SELECT COUNT(*) AS count FROM customer_imports');
    expect(Number(after[0]!.count)).toBe(Number(before[0]!.count));
    const [chunks] = await t.sql<{ count: number | string }>(
      'SELECT COUNT(*) AS count FROM customer_import_chunks WHERE import_id NOT IN (SELECT id FROM customer_imports)',
    );
    expect(Number(chunks!.count)).toBe(0);
  });

  it('needs customer:write to import and customer:read to see an import, and shows an import to its own brand only', async () => {
    const csv = csvOf(['externalId', 'givenName'], [[`scope-${uniqueLetters()}`, 'Scoped']]);
    expect((await postCsv(t.server.url, csv)).status).toBe(401);
    expect((await postCsv(t.server.url, csv, { authorization: 'Bearer not-a-token' })).status).toBe(401);
    const readOnly = bearer(await hs256Token({ claims: { brand: 'acme', scope: 'customer:read' } }));
    const refused = await postCsv(t.server.url, csv, readOnly);
    expect([refused.status, refused.body.errors?.[0]?.extensions.code]).toEqual([403, 'FORBIDDEN']);

    const job = await runImport(csv);
    const writeOnly = bearer(await hs256Token({ claims: { brand: 'acme', scope: 'customer:write' } }));
    const hidden = await graphql(IMPORT_QUERY, { id: job.id }, writeOnly);
    expect(hidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const other = bearer(await hs256Token({ claims: { brand: 'globex' } }));
    const foreign = await graphql(IMPORT_QUERY, { id: job.id }, other);
    expect(foreign).toEqual({ data: { customerImport: null } });
    expect(await graphql(IMPORT_QUERY, { id: 'imp_00000000000000000000000000' })).toEqual({ data: { customerImport: null } });

    // The rows went to the importing brand only.
    const globexCsv = csvOf(['externalId', 'givenName'], [['shared-id', 'Globex']]);
    const acmeCsv = csvOf(['externalId', 'givenName'], [['shared-id', 'Acme']]);
    await runImport(globexCsv, other);
    await runImport(acmeCsv);
    const owners = await t.sql<{ brand: string; given_name: string }>(
      'SELECT brand, given_name FROM customers WHERE external_id = ? ORDER BY brand',
      ['shared-id'],
    );
    expect(owners).toEqual([
      { brand: 'acme', given_name: 'Acme' },
      { brand: 'globex', given_name: 'Globex' },
    ]);
  });

  it('applies rows about one customer in file order, also when they fall into chunks applied side by side', async () => {
    const prefix = `order-${uniqueLetters()}`;
    // 500 rows a chunk: customer 0 appears in every chunk, with its given name moving A, B, C, …
    const rows = Array.from({ length: 3000 }, (_, index) =>
      index % 500 === 0
        ? [`${prefix}-0`, `Round${'ABCDEF'[index / 500]}`, 'Ordered', '', '', '', '']
        : [`${prefix}-${index}`, 'Other', 'Row', '', '', '', ''],
    );
    const job = await runImport(csvOf(HEADER, rows));
    expect([job.created, job.updated, job.failed]).toEqual([2995, 5, 0]);
    const [row] = await t.sql<{ given_name: string; version: number | string }>(
      'SELECT given_name, version FROM customers WHERE external_id = ?',
      [`${prefix}-0`],
    );
    expect([row!.given_name, Number(row!.version)]).toEqual(['RoundF', 6]);
    const changes = await t.sql<{ data: string }>(
      `SELECT a.data FROM customer_activities a JOIN customers c ON c.id = a.customer_id WHERE c.external_id = ? ORDER BY a.id`,
      [`${prefix}-0`],
    );
    expect(changes).toHaveLength(6);
  });

  it('reads CRLF line ends and a byte-order mark', async () => {
    const prefix = `crlf-${uniqueLetters()}`;
    const job = await runImport(`\uFEFFexternalId,givenName,familyName\r\n${prefix}-1,Carriage,Return\r\n${prefix}-2,Line,Feed\r\n`);
    expect([job.totalRows, job.created, job.failed]).toEqual([2, 2, 0]);
    const rows = await t.sql<{ given_name: string; family_name: string }>(
      'SELECT given_name, family_name FROM customers WHERE external_id IN (?, ?) ORDER BY external_id',
      [`${prefix}-1`, `${prefix}-2`],
    );
    expect(rows).toEqual([
      { given_name: 'Carriage', family_name: 'Return' },
      { given_name: 'Line', family_name: 'Feed' },
    ]);
  });

  it('keeps nothing of an upload whose client goes away before the end, and goes on serving', async () => {
    const before = await t.sql<{ count: number | string }>('SELECT COUNT(*) AS count FROM customer_imports');
    const { request } = await import('node:http');
    const url = new URL('/imports/customers', t.server.url);
    const head = `externalId,givenName\n${Array.from({ length: 5000 }, (_, index) => `gone-${index},Gone`).join('\n')}\n`;
    await new Promise<void>((resolve) => {
      const req = request(url, {
        method: 'POST',
        headers: { 'content-type': 'text/csv', 'content-length': String(head.length * 4), ...acme },
      });
      req.on('error', () => resolve());
      req.write(head, () => setTimeout(() => req.destroy(), 200));
    });
    // The server notices the reset and removes what it had stored.
    for (let attempt = 0; attempt < 100; attempt += 1) {
      const [row] = await t.sql<{ count: number | string }>('SELECT COUNT(*) AS count FROM customer_imports');
      if (Number(row!.count) === Number(before[0]!.count)) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const after = await t.sql<{ count: number | string }>('SELECT COUNT(*) AS count FROM customer_imports');
    expect(Number(after[0]!.count)).toBe(Number(before[0]!.count));
    const [chunks] = await t.sql<{ count: number | string }>(
      'SELECT COUNT(*) AS count FROM customer_import_chunks WHERE import_id NOT IN (SELECT id FROM customer_imports)',
    );
    expect(Number(chunks!.count)).toBe(0);
    const [gone] = await t.sql<{ count: number | string }>(`SELECT COUNT(*) AS count FROM customers WHERE external_id LIKE 'gone-%'`);
    expect(Number(gone!.count)).toBe(0);
    const job = await runImport(csvOf(['externalId', 'givenName'], [[`after-${uniqueLetters()}`, 'Still']]));
    expect(job.created).toBe(1);
  });

  it('keeps a metadata column named __proto__ like any other, and finishes an import of a header alone', async () => {
    const externalId = `proto-${uniqueLetters()}`;
    const job = await runImport(csvOf(['externalId', 'givenName', '__proto__', 'constructor'], [[externalId, 'Proto', 'polluted', 'c']]));
    expect([job.created, job.failed]).toEqual([1, 0]);
    const [row] = await t.sql<{ metadata: string }>('SELECT metadata FROM customers WHERE external_id = ?', [externalId]);
    expect(row!.metadata).toBe('{"__proto__":"polluted","constructor":"c"}');
    const empty = await runImport('externalId,givenName\n');
    expect([empty.status, empty.totalRows, empty.rowsProcessed]).toEqual(['SUCCEEDED', 0, 0]);
  });

  it('refuses a forged errors cursor', async () => {
    const job = await runImport(csvOf(['externalId', 'givenName'], [[`cursor-${uniqueLetters()}`, 'Cursor']]));
    const response = await graphql(IMPORT_QUERY, { id: job.id, after: 'forged' });
    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

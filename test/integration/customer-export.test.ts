import { request as httpRequest, IncomingMessage } from 'node:http';
import { parse } from 'csv-parse/sync';
import { uniqueLetters } from '../helpers/customer-api';
import { csvOf, postCsv, untilFinished } from '../helpers/imports';
import { describeDb, startTestServer, TestServer } from '../helpers/test-server';
import { bearer, hs256Token, TEST_JWT_SECRET } from '../helpers/tokens';

const PAGE_SIZE = 100;
const DELETE = /* GraphQL */ `
  mutation Delete($id: ID!) {
    deleteCustomer(id: $id) {
      deletedCustomerId
    }
  }
`;

describeDb('GET /exports/customers', () => {
  let t: TestServer;
  let acme: Record<string, string>;
  let globex: Record<string, string>;
  /** The ids of acme's live customers, in id order. */
  let liveIds: string[];

  async function importRows(headers: Record<string, string>, rows: string[][]): Promise<void> {
    const answer = await postCsv(t.server.url, csvOf(['externalId', 'givenName', 'familyName', 'note'], rows), headers);
    expect(answer.status).toBe(202);
    const job = await untilFinished((query, variables) => t.graphql(query, variables, headers), answer.body.id!);
    expect(job.failed).toBe(0);
  }

  beforeAll(async () => {
    t = await startTestServer({ AUTH_JWT_SECRET: TEST_JWT_SECRET, EXPORT_PAGE_SIZE: String(PAGE_SIZE), IMPORT_POLL_MS: '100' });
    acme = bearer(await hs256Token({ claims: { brand: 'acme' } }));
    globex = bearer(await hs256Token({ claims: { brand: 'globex' } }));
    const prefix = uniqueLetters();
    // 4 KiB of metadata each: the whole export (about 10 MB) is more than a socket's buffers hold.
    await importRows(
      acme,
      Array.from({ length: 2500 }, (_, index) => [`${prefix}-${index}`, 'Export', `Row${'abcdef'[index % 6]}`, 'n'.repeat(4096)]),
    );
    await importRows(
      globex,
      Array.from({ length: 50 }, (_, index) => [`${prefix}-${index}`, 'Other', 'Brand', 'x']),
    );
    const all = await t.sql<{ id: string }>('SELECT id FROM customers WHERE brand = ? ORDER BY id', ['acme']);
    // Every 10th customer is soft-deleted: exports hold live customers only.
    const deleted = all.filter((_, index) => index % 10 === 0).map((row) => row.id);
    for (const id of deleted) {
      const response = await t.graphql(DELETE, { id }, acme);
      expect(response.errors).toBeUndefined();
    }
    liveIds = all.map((row) => row.id).filter((id) => !deleted.includes(id));
  }, 120_000);
  afterAll(() => t.close());

  const exportUrl = (format?: string) => new URL(`/exports/customers${format ? `?format=${format}` : ''}`, t.server.url);

  it('streams every live customer of the brand exactly once, in id order, as CSV', async () => {
    const response = await fetch(exportUrl('csv'), { headers: acme });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const records = parse(await response.text(), { columns: true }) as Array<Record<string, string>>;
    expect(records.map((record) => record.id)).toEqual(liveIds);
    expect(Object.keys(records[0]!)).toEqual([
      'id',
      'externalId',
      'givenName',
      'familyName',
      'emailAddress',
      'phoneNumber',
      'languageCode',
      'metadata',
      'createdAt',
      'updatedAt',
      'version',
    ]);
    expect(JSON.parse(records[0]!.metadata!)).toEqual({ note: 'n'.repeat(4096) });
    expect(records.every((record) => record.givenName === 'Export')).toBe(true);
  });

  it('streams the same customers as NDJSON, one JSON object a line', async () => {
    const response = await fetch(exportUrl('ndjson'), { headers: acme });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    const lines = (await response.text()).split('\n');
    expect(lines.pop()).toBe('');
    const customers = lines.map((line) => JSON.parse(line) as { id: string; deletedAt: unknown; metadata: unknown; version: number });
    expect(customers.map((customer) => customer.id)).toEqual(liveIds);
    expect(customers[0]).toMatchObject({ deletedAt: null, version: 1, metadata: { note: 'n'.repeat(4096) } });
  });

  it("holds nothing of another brand, and an empty brand's export is the header alone", async () => {
    const response = await fetch(exportUrl('ndjson'), { headers: globex });
    const customers = (await response.text())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: string; givenName: string });
    expect(customers).toHaveLength(50);
    expect(customers.every((customer) => customer.givenName === 'Other' && !liveIds.includes(customer.id))).toBe(true);
    const empty = await fetch(exportUrl('csv'), { headers: bearer(await hs256Token({ claims: { brand: 'initech' } })) });
    expect([empty.status, await empty.text()]).toEqual([
      200,
      'id,externalId,givenName,familyName,emailAddress,phoneNumber,languageCode,metadata,createdAt,updatedAt,version\n',
    ]);
  });

  it('needs customer:read, and refuses an unknown format', async () => {
    expect((await fetch(exportUrl('csv'))).status).toBe(401);
    const writeOnly = bearer(await hs256Token({ claims: { brand: 'acme', scope: 'customer:write' } }));
    const forbidden = await fetch(exportUrl('csv'), { headers: writeOnly });
    expect([
      forbidden.status,
      ((await forbidden.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]!.extensions.code,
    ]).toEqual([403, 'FORBIDDEN']);
    const bad = await fetch(exportUrl('xml'), { headers: acme });
    expect(bad.status).toBe(400);
    const twice = await fetch(new URL('/exports/customers?format=csv&format=ndjson', t.server.url), { headers: acme });
    expect(twice.status).toBe(400);
  });

  it('reads the next page only as a slow client takes the last one, and stops reading when the client goes away', async () => {
    const pages = Math.ceil(liveIds.length / PAGE_SIZE);
    const statements: string[] = [];
    const stop = t.server.statementLog.subscribe((sql) => {
      if (/FROM\s+[`"]?customers[`"]?/i.test(sql) && /ORDER BY/i.test(sql)) statements.push(sql);
    });
    try {
      const response = await new Promise<IncomingMessage>((resolve, reject) => {
        const req = httpRequest(exportUrl('ndjson'), { headers: acme }, resolve);
        req.on('error', reject);
        req.end();
      });
      response.pause();
      // Wait until the server stops reading: its writes wait for the paused client.
      let seen = -1;
      while (seen !== statements.length) {
        seen = statements.length;
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
      expect(statements.length).toBeGreaterThan(0);
      expect(statements.length).toBeLessThan(pages);
      // Each page is a range of (brand, deleted_at, id), forced: not the primary key's walk through every brand's rows.
      expect(statements.every((sql) => sql.includes('ix_customers_brand_live_id'))).toBe(true);
      // The client goes away: no page is read after that.
      response.destroy();
      await new Promise((resolve) => setTimeout(resolve, 300));
      const atClose = statements.length;
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(statements.length).toBe(atClose);
      expect(atClose).toBeLessThan(pages);
    } finally {
      stop();
    }
  });
});

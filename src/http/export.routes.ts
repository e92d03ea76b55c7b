import { Response, Router } from 'express';
import { stringify } from 'csv-stringify/sync';
import { ErrorCode } from '../core/errors/graphql-errors';
import { Logger } from '../core/logging/logger';
import { Scope } from '../core/scopes';
import { CustomerExportService, ExportedCustomer, exportedCustomer } from '../domain/export/customer-export.service';
import { Authenticate } from './authenticator';
import { failed, refuse, restCaller } from './rest-caller';

export const EXPORT_PATH = '/exports/customers';

/** The CSV export's columns, in order; `metadata` is the object as JSON text. */
const CSV_COLUMNS: ReadonlyArray<keyof ExportedCustomer> = [
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
];
const FORMATS = {
  csv: { type: 'text/csv; charset=utf-8', extension: 'csv' },
  ndjson: { type: 'application/x-ndjson; charset=utf-8', extension: 'ndjson' },
} as const;
type Format = keyof typeof FORMATS;

export interface ExportRouteDeps {
  authenticate: Authenticate;
  customerExports: CustomerExportService;
  pageSize: number;
  logger: Logger;
}

/**
 * `GET /exports/customers?format=csv|ndjson` (customer:read): every live
 * customer of the caller's brand in id order. Pages are read one after the
 * other and the next is read only once the client has taken the last (the
 * socket drained), so a slow client holds back the reads instead of filling
 * the server's memory; a client that goes away stops them.
 */
export function exportRoutes({ authenticate, customerExports, pageSize, logger }: ExportRouteDeps): Router {
  const router = Router();
  router.get(EXPORT_PATH, async (req, res) => {
    const caller = await restCaller(authenticate, req, res, Scope.READ);
    if (!caller) return;
    const requested = req.query.format ?? 'csv';
    if (typeof requested !== 'string' || !Object.hasOwn(FORMATS, requested)) {
      refuse(res, 400, ErrorCode.BAD_REQUEST, 'format must be csv or ndjson.');
      return;
    }
    const format = requested as Format;
    let gone = false;
    res.once('close', () => (gone = !res.writableFinished));
    const pages = customerExports.livePages(caller.brand, pageSize);
    try {
      let first = true;
      for await (const page of pages) {
        if (gone) break;
        if (first) {
          res.status(200).type(FORMATS[format].type);
          res.set('content-disposition', `attachment; filename="customers.${FORMATS[format].extension}"`);
          if (format === 'csv') res.write(stringify([CSV_COLUMNS]));
          first = false;
        }
        const rows = page.map(exportedCustomer);
        const text =
          format === 'csv'
            ? stringify(rows.map((row) => CSV_COLUMNS.map((column) => cell(row[column]))))
            : rows.map((row) => `${JSON.stringify(row)}\n`).join('');
        if (!res.write(text)) await drained(res);
      }
      if (gone) return;
      if (first) {
        res.status(200).type(FORMATS[format].type);
        if (format === 'csv') res.write(stringify([CSV_COLUMNS]));
      }
      res.end();
    } catch (error) {
      if (gone) return;
      // Once rows have gone out there is no status left to change: the cut-off body tells the client.
      if (res.headersSent) res.destroy();
      else failed(res, logger, error, 'exporting customers');
    } finally {
      await pages.return(undefined);
    }
  });
  return router;
}

function cell(value: ExportedCustomer[keyof ExportedCustomer]): string | number | null {
  if (value === null || typeof value === 'string' || typeof value === 'number') return value;
  return JSON.stringify(value);
}

/** Resolves once the response can take more, or is closed. */
function drained(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

import { Router } from 'express';
import { ImportsConfig } from '../core/config';
import { ErrorCode } from '../core/errors/graphql-errors';
import { Logger } from '../core/logging/logger';
import { Scope } from '../core/scopes';
import { CustomerImportService, ImportRefused } from '../domain/import/customer-import.service';
import { Authenticate } from './authenticator';
import { failed, refuse, restCaller } from './rest-caller';

export const IMPORT_PATH = '/imports/customers';

export interface ImportRouteDeps {
  authenticate: Authenticate;
  imports: CustomerImportService;
  config: ImportsConfig;
  logger: Logger;
  /** Called once an import is queued, so that a worker of this process takes it at once. */
  onQueued: () => void;
}

/**
 * `POST /imports/customers`: a CSV body (text/csv, UTF-8) streamed into a
 * stored import, then `202 {"id", "status": "QUEUED"}`. The body is read only
 * after the caller is known to hold customer:write; bodies above
 * IMPORT_MAX_BYTES are refused with 413 (at once when Content-Length says so).
 */
export function importRoutes({ authenticate, imports, config, logger, onQueued }: ImportRouteDeps): Router {
  const router = Router();
  router.post(IMPORT_PATH, async (req, res) => {
    const caller = await restCaller(authenticate, req, res, Scope.WRITE);
    if (!caller) return;
    const type = contentTypeOf(req.get('content-type'));
    if (type === null || type.mediaType !== 'text/csv' || (type.charset !== null && type.charset !== 'utf-8')) {
      refuse(res, 415, ErrorCode.BAD_REQUEST, 'The body must be a CSV file: send it as content-type text/csv (UTF-8).');
      return;
    }
    const declared = Number(req.get('content-length') ?? Number.NaN);
    if (Number.isFinite(declared) && declared > config.maxBytes) {
      refuse(res, 413, ErrorCode.PAYLOAD_TOO_LARGE, `The CSV is larger than the limit of ${config.maxBytes} bytes.`);
      return;
    }
    try {
      const job = await imports.receive(caller.brand, req, { maxBytes: config.maxBytes, chunkRows: config.chunkRows });
      res.status(202).json({ id: job.id, status: job.status });
      onQueued();
    } catch (error) {
      // A client that went away mid-upload has nobody to answer; what it sent is removed already.
      if (req.destroyed && !req.complete) return;
      if (error instanceof ImportRefused) {
        // The rest of the body is read and dropped, so that the client, still sending, gets to read the answer.
        if (!req.complete) {
          req.resume();
          await new Promise<void>((resolve) => {
            req.once('end', resolve);
            req.once('close', resolve);
          });
        }
        const status = error.reason === 'too_large' ? 413 : 400;
        refuse(res, status, status === 413 ? ErrorCode.PAYLOAD_TOO_LARGE : ErrorCode.BAD_REQUEST, error.message);
        return;
      }
      failed(res, logger, error, 'storing an import');
    }
  });
  return router;
}

/** The media type (lower case) and charset of a Content-Type header; null when there is none. */
function contentTypeOf(header: string | undefined): { mediaType: string; charset: string | null } | null {
  if (header === undefined || header.trim() === '') return null;
  const [mediaType, ...parameters] = header.split(';').map((part) => part.trim().toLowerCase());
  const charset = parameters
    .find((parameter) => parameter.startsWith('charset='))
    ?.slice('charset='.length)
    .replace(/^"|"$/g, '');
  return { mediaType: mediaType!, charset: charset === undefined ? null : charset === 'utf8' ? 'utf-8' : charset };
}

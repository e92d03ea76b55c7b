import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CsvError, parse } from 'csv-parse';
import { CustomerImportEntity } from '../../data/entities/customer-import.entity';
import { CustomerImportErrorEntity } from '../../data/entities/customer-import-error.entity';
import { Database } from '../../data/database';
import { newImportId } from '../../core/customer-ids';
import { CustomerImportStatus, RECEIVING_STATUS } from '../../core/import-status';
import { buildConnection, ConnectionValue } from '../../core/paging/connection';
import { CursorCodec } from '../../core/paging/cursor-codec';
import { NESTED_PAGE_LIMITS, resolvePageRequest } from '../../core/paging/page-request';
import { badUserInput } from '../../core/errors/graphql-errors';
import { checkHeader, headerColumns } from './customer-csv';

/** Longest CSV record (one row, quotes and all): a row far beyond what a customer can hold is refused, not buffered. */
export const MAX_RECORD_BYTES = 1024 * 1024;
/** A chunk is stored once it holds this many bytes of cells, whatever its row count: one row of the table stays well below MySQL's packet limit. */
const MAX_CHUNK_BYTES = 4 * 1024 * 1024;

/** Why an upload was refused; nothing of it is kept. */
export class ImportRefused extends Error {
  constructor(
    readonly reason: 'too_large' | 'bad_csv',
    message: string,
  ) {
    super(message);
    this.name = 'ImportRefused';
  }
}

export interface ReceiveOptions {
  maxBytes: number;
  chunkRows: number;
}

/** An import as clients see it (never one whose upload is still arriving). */
export type CustomerImportView = CustomerImportEntity & { status: CustomerImportStatus };

export interface CustomerImportServiceDeps {
  database: Database;
  cursors: CursorCodec;
  now?: () => Date;
}

/** CSV imports: storing an upload as chunks, and reading an import's state and errors. */
export class CustomerImportService {
  private readonly now: () => Date;

  constructor(private readonly deps: CustomerImportServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /**
   * Stores a CSV body for the brand and queues it: rows are parsed as they
   * arrive and written in chunks, each in a transaction of its own, so memory
   * holds one chunk whatever the size of the body. The import is QUEUED only
   * once every chunk has committed: an upload that breaks off, or is refused
   * (ImportRefused: too large, no usable header, malformed CSV), leaves nothing.
   */
  async receive(brand: string, source: Readable, options: ReceiveOptions): Promise<CustomerImportView> {
    const { database } = this.deps;
    const createdAt = this.now();
    const job: CustomerImportEntity = {
      id: newImportId(createdAt),
      brand,
      status: RECEIVING_STATUS,
      columns: [],
      totalRows: 0,
      chunkCount: 0,
      chunksApplied: 0,
      rowsProcessed: 0,
      created: 0,
      updated: 0,
      failed: 0,
      errorCount: 0,
      leasedBy: null,
      leaseExpiresAt: null,
      failure: null,
      createdAt,
      finishedAt: null,
    };
    const parser = parse({ bom: true, relax_column_count: true, skip_empty_lines: true, max_record_size: MAX_RECORD_BYTES });
    // The source is piped, not part of the pipeline: a refusal stops the parsing but leaves the source alone (an
    // HTTP request is then read to its end, so that its answer reaches the client).
    const guard = byteLimit(options.maxBytes);
    const sourceFailed = (error: Error) => guard.destroy(error);
    source.once('error', sourceFailed);
    source.pipe(guard);
    const piping = pipeline(guard, parser);
    // The pipeline's failure reaches the loop below through the parser; this only keeps it from being unhandled.
    piping.catch(() => undefined);
    let inserted = false;
    try {
      let columns: string[] | null = null;
      let rows: string[][] = [];
      let bytes = 0;
      const store = async () => {
        const chunk = { importId: job.id, chunkNo: job.chunkCount, firstRow: job.totalRows - rows.length + 1, rows };
        await database.transaction((repositories) => repositories.imports.insertChunk(chunk));
        job.chunkCount += 1;
        rows = [];
        bytes = 0;
      };
      for await (const record of parser as AsyncIterable<string[]>) {
        if (columns === null) {
          columns = headerColumns(record);
          const refused = checkHeader(columns);
          if (refused) throw new ImportRefused('bad_csv', refused);
          job.columns = columns;
          await database.transaction((repositories) => repositories.imports.insert(job));
          inserted = true;
          continue;
        }
        rows.push(record);
        job.totalRows += 1;
        for (const cell of record) bytes += cell.length;
        if (rows.length >= options.chunkRows || bytes >= MAX_CHUNK_BYTES) await store();
      }
      await piping;
      if (columns === null) throw new ImportRefused('bad_csv', 'The CSV is empty: it needs a header row naming its columns.');
      if (rows.length > 0) await store();
      const queued = CustomerImportStatus.QUEUED;
      await database.transaction((repositories) => repositories.imports.markQueued(job.id, queued, job.totalRows, job.chunkCount));
      return { ...job, status: queued };
    } catch (error) {
      source.unpipe(guard);
      parser.destroy();
      if (inserted) await database.transaction((repositories) => repositories.imports.deleteImport(job.id));
      throw refusalOf(error);
    } finally {
      source.off('error', sourceFailed);
    }
  }

  /** The brand's import with this id; null for another brand's, an unknown id, or an upload still arriving. */
  async find(brand: string, id: string): Promise<CustomerImportView | null> {
    const job = await this.deps.database.read.imports.findById(brand, id);
    return job === null || job.status === RECEIVING_STATUS ? null : (job as CustomerImportView);
  }

  /** A page of an import's errors in row order, a row's errors in the order found (forward only; page sizes of a nested connection, as the query cost counts them). */
  async errors(
    importId: string,
    args: { first?: number | null; after?: string | null },
  ): Promise<ConnectionValue<CustomerImportErrorEntity>> {
    const request = resolvePageRequest({ first: args.first, after: args.after }, NESTED_PAGE_LIMITS);
    const binding = CursorCodec.binding({ connection: 'customerImportErrors', importId });
    const after = request.after === null ? null : errorKeyOf(this.deps.cursors.decode(request.after, binding, 'after'));
    const rows = await this.deps.database.read.imports.errorsPage(importId, after, request.size + 1);
    return buildConnection(
      { rows: rows.slice(0, request.size), hasMore: rows.length > request.size },
      request,
      (error) => this.deps.cursors.encode(binding, [error.row, error.errorNo]),
      () => Promise.reject(new Error('import errors have no totalCount')),
    );
  }
}

/** Passes bytes through until more than `maxBytes` have come, then fails the stream. */
function byteLimit(maxBytes: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      if (seen > maxBytes) callback(new ImportRefused('too_large', `The CSV is larger than the limit of ${maxBytes} bytes.`));
      else callback(null, chunk);
    },
  });
}

function refusalOf(error: unknown): unknown {
  if (error instanceof CsvError) {
    const line = typeof error.lines === 'number' ? ` at line ${error.lines}` : '';
    return new ImportRefused('bad_csv', `The CSV could not be read${line}: ${error.message}`);
  }
  return error;
}

function errorKeyOf(key: ReadonlyArray<string | number>): { row: number; errorNo: number } {
  const [row, errorNo] = key;
  const valid = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
  if (key.length !== 2 || !valid(row) || !valid(errorNo)) {
    throw badUserInput('The `after` cursor is malformed; use a cursor exactly as this connection returned it.', 'after');
  }
  return { row, errorNo };
}

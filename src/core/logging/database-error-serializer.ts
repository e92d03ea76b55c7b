import { stdSerializers } from 'pino';

/** What a database error says about itself once the values it quotes are taken out. */
export interface SerializedDatabaseError {
  type: string;
  message: string;
  code?: string;
  errno?: number;
  sqlState?: string;
  /** The statement as written, with `?` placeholders, never with its values. */
  query?: string;
  stack?: string;
}

interface DriverErrorFields {
  code?: unknown;
  errno?: unknown;
  sqlState?: unknown;
  sqlMessage?: unknown;
  sql?: unknown;
}

interface QueryFailedFields extends DriverErrorFields {
  query?: unknown;
  parameters?: unknown;
  driverError?: DriverErrorFields;
}

const WITHHELD = '[withheld: the database quotes values in this message]';

/** mysql2 errors carry sqlState/sqlMessage, TypeORM's QueryFailedError a driverError, better-sqlite3's errors a SQLITE_ code. */
function isDatabaseError(error: QueryFailedFields): boolean {
  return (
    error.driverError !== undefined ||
    error.sqlState !== undefined ||
    error.sqlMessage !== undefined ||
    (typeof error.code === 'string' && error.code.startsWith('SQLITE_'))
  );
}

/** Quoted text in a database message may be a value ("Duplicate entry 'a@b.example' for key …"): such messages are not logged. */
function safeMessage(message: string): string {
  return /['"`]/.test(message) ? WITHHELD : message;
}

/**
 * pino's `err` serializer, except for database errors: those carry the bound
 * parameters (TypeORM's `parameters`), the statement with its values inlined
 * (mysql2's `sql`) and messages quoting values (`sqlMessage`), any of which may
 * be a customer's e-mail address, phone number or name. They are logged by
 * type, code, the statement as written and the stack, nothing else.
 */
export function serializeError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const fields = error as Error & QueryFailedFields;
  if (!isDatabaseError(fields)) return stdSerializers.err(error);
  const driver = fields.driverError ?? fields;
  const message = safeMessage(error.message);
  const serialized: SerializedDatabaseError = { type: error.name, message };
  const code = driver.code ?? fields.code;
  if (typeof code === 'string') serialized.code = code;
  if (typeof driver.errno === 'number') serialized.errno = driver.errno;
  if (typeof driver.sqlState === 'string') serialized.sqlState = driver.sqlState;
  if (typeof fields.query === 'string') serialized.query = fields.query;
  if (error.stack) {
    // The stack's first line repeats the message.
    serialized.stack = [`${error.name}: ${message}`, ...error.stack.split('\n').filter((line) => /^\s+at /.test(line))].join('\n');
  }
  return serialized;
}

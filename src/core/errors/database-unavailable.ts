/** Driver error codes that mean the database cannot be reached or gave up on us, not that a query is wrong. */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EPIPE',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
  'ER_QUERY_TIMEOUT',
  'ER_STATEMENT_TIMEOUT',
  'SQLITE_BUSY',
  'POOL_ACQUIRE_TIMEOUT',
]);

/**
 * Server error numbers with no name in the driver's table: MariaDB's
 * ER_STATEMENT_TIMEOUT (1969, `max_statement_time` exceeded) reaches mysql2
 * without a `code`, unlike MySQL's ER_QUERY_TIMEOUT.
 */
const UNAVAILABLE_ERRNOS = new Set([1969]);

const UNAVAILABLE_MESSAGES = [
  /connect ETIMEDOUT/,
  /Pool is closed/,
  /Can't add new command when connection is in closed state/,
  /Connection lost/,
];

/** Whether `error` (or what it wraps) says the database is unreachable rather than the request being wrong. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current && depth < 5; depth++) {
    if (typeof current !== 'object') return false;
    const candidate = current as {
      code?: unknown;
      errno?: unknown;
      message?: unknown;
      driverError?: unknown;
      cause?: unknown;
      thrownValue?: unknown;
    };
    if (typeof candidate.code === 'string' && UNAVAILABLE_CODES.has(candidate.code)) return true;
    if (typeof candidate.errno === 'number' && UNAVAILABLE_ERRNOS.has(candidate.errno)) return true;
    if (typeof candidate.message === 'string' && UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(candidate.message as string))) {
      return true;
    }
    // graphql-js wraps a thrown value that is not an `instanceof Error` (e.g. a driver error from another realm) in NonErrorThrown.
    current = candidate.driverError ?? candidate.cause ?? candidate.thrownValue;
  }
  return false;
}

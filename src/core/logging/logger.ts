import pino, { DestinationStream, Logger } from 'pino';
import { LogLevel } from '../config';
import { serializeError } from './database-error-serializer';

export type { Logger };

/** JSON lines to standard output, or to `destination` when given (tests read the log from a stream of their own). */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  const options = { level, base: { service: 'customer-subgraph' }, serializers: { err: serializeError } };
  return destination ? pino(options, destination) : pino(options);
}

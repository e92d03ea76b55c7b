import { Writable } from 'node:stream';
import { QueryFailedError } from 'typeorm';
import { createLogger } from '../../src/core/logging/logger';

/** A mysql2 error as the driver raises it for a unique-index violation: the statement with its values inlined, and a message quoting them. */
function duplicateEntry(): Error {
  const error = new Error("Duplicate entry 'cus_1-EMAIL-jane.doe@example.com' for key 'uq_customer_channels_customer_type_value'");
  Object.assign(error, {
    code: 'ER_DUP_ENTRY',
    errno: 1062,
    sqlState: '23000',
    sqlMessage: "Duplicate entry 'cus_1-EMAIL-jane.doe@example.com' for key 'uq_customer_channels_customer_type_value'",
    sql: "INSERT INTO `customer_channels`(`id`, `value`) VALUES ('cha_1', 'jane.doe@example.com')",
  });
  return error;
}

function logged(write: (logger: ReturnType<typeof createLogger>) => void): Record<string, unknown> {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  write(createLogger('info', destination));
  expect(chunks).toHaveLength(1);
  return JSON.parse(chunks[0]!) as Record<string, unknown>;
}

describe('the service log’s error serializer', () => {
  it('logs a failed query by type, code and the statement as written, never its parameters or the values the driver quotes', () => {
    const error = new QueryFailedError(
      'INSERT INTO `customer_channels`(`id`, `value`) VALUES (?, ?)',
      ['cha_1', 'jane.doe@example.com', 'Jane', '+4930726219941'],
      duplicateEntry(),
    );
    const line = logged((logger) => logger.error({ err: error }, 'internal error'));
    expect(JSON.stringify(line)).not.toMatch(/jane|doe|4930726219941/i);
    expect(line.err).toMatchObject({
      type: 'QueryFailedError',
      code: 'ER_DUP_ENTRY',
      errno: 1062,
      sqlState: '23000',
      query: 'INSERT INTO `customer_channels`(`id`, `value`) VALUES (?, ?)',
    });
    expect((line.err as { stack: string }).stack).toMatch(/^QueryFailedError: \[withheld[^\n]*\n\s+at /);
  });

  it('also withholds what a bare driver error carries', () => {
    const line = logged((logger) => logger.warn({ err: duplicateEntry() }, 'database warning'));
    expect(JSON.stringify(line)).not.toMatch(/jane|doe/i);
    expect(line.err).toMatchObject({ code: 'ER_DUP_ENTRY', errno: 1062 });
  });

  it('keeps a database message that quotes nothing, such as a refused connection', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3306'), { code: 'ECONNREFUSED', errno: -111 });
    const line = logged((logger) => logger.warn({ err: new QueryFailedError('SELECT 1', [], refused) }, 'database unavailable'));
    expect(line.err).toMatchObject({ message: 'connect ECONNREFUSED 127.0.0.1:3306', code: 'ECONNREFUSED' });
  });

  it('serialises any other error as pino does, message and own fields included', () => {
    const error = Object.assign(new Error('flag registry unreadable'), { path: 'config/flags.json' });
    const line = logged((logger) => logger.error({ err: error }, 'failed'));
    expect(line.err).toMatchObject({ type: 'Error', message: 'flag registry unreadable', path: 'config/flags.json' });
  });
});

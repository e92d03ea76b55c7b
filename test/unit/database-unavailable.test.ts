import { GraphQLError } from 'graphql';
import { isDatabaseUnavailable } from '../../src/core/errors/database-unavailable';

describe('isDatabaseUnavailable', () => {
  it('recognises a driver error code on the error itself, on driverError and on cause', () => {
    expect(isDatabaseUnavailable(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3306'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isDatabaseUnavailable({ message: 'read ECONNRESET', driverError: { code: 'ECONNRESET' } })).toBe(true);
    expect(isDatabaseUnavailable(new Error('wrapped', { cause: { code: 'PROTOCOL_CONNECTION_LOST' } }))).toBe(true);
  });

  it('looks inside graphql-js NonErrorThrown, which wraps a driver error that is not an instanceof Error here', () => {
    // What graphql's locatedError makes of a thrown plain object, e.g. a mysql2 error from another realm.
    const wrapped = Object.assign(new Error('Unexpected error value: { code: "ECONNREFUSED" }'), {
      name: 'NonErrorThrown',
      thrownValue: { errno: -111, code: 'ECONNREFUSED', fatal: true },
    });
    expect(isDatabaseUnavailable(wrapped)).toBe(true);
    expect(isDatabaseUnavailable(new GraphQLError('x', { originalError: wrapped }).originalError)).toBe(true);
  });

  it("takes MariaDB's statement timeout, which has no code in the driver, for the database giving up", () => {
    const timeout = { message: 'Query execution was interrupted (max_statement_time exceeded)', errno: 1969, sqlState: '70100' };
    expect(isDatabaseUnavailable({ message: timeout.message, driverError: timeout })).toBe(true);
    expect(isDatabaseUnavailable({ message: 'Unknown column', errno: 1054 })).toBe(false);
  });

  it('does not take a wrong query or a constraint violation for an outage', () => {
    expect(isDatabaseUnavailable(Object.assign(new Error('Duplicate entry'), { code: 'ER_DUP_ENTRY' }))).toBe(false);
    expect(isDatabaseUnavailable({ message: 'syntax', driverError: { code: 'ER_PARSE_ERROR' } })).toBe(false);
    expect(isDatabaseUnavailable('ECONNREFUSED')).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
  });
});

import { ApolloServerErrorCode } from '@apollo/server/errors';
import { ErrorCode } from '../../src/core/errors/graphql-errors';

describe('ErrorCode', () => {
  it('holds every code Apollo Server emits, so metric labels and clients know each one', () => {
    expect(Object.values(ErrorCode)).toEqual(expect.arrayContaining(Object.values(ApolloServerErrorCode)));
  });
});

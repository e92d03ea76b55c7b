import { GraphQLScalarType } from 'graphql';
import { DateTimeISOResolver, JSONObjectResolver } from 'graphql-scalars';

/**
 * graphql-scalars' ISO date-time scalar under the contract's name. Its DateTime
 * serialises to a Date object; this one always yields an ISO-8601 UTC string
 * with milliseconds, whichever transport serialises the result.
 */
export const DateTimeScalar = new GraphQLScalarType({
  ...DateTimeISOResolver.toConfig(),
  name: 'DateTime',
  description: 'An instant as an ISO-8601 string in UTC with millisecond precision, e.g. `2026-03-14T09:26:53.589Z`.',
});

export const JSONObjectScalar = new GraphQLScalarType({
  ...JSONObjectResolver.toConfig(),
  description: 'A JSON object (never an array or a primitive).',
});

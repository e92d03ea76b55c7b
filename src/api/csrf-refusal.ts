import { GraphQLFormattedError } from 'graphql';

/**
 * Apollo Server's CSRF prevention refuses a GET (or a form-like POST) that a
 * browser could send from another site without asking: one with no
 * `content-type` other than a form's and none of its preflight headers. Its
 * message names headers but not why, nor what to do from an address bar.
 */
const APOLLO_CSRF_MESSAGE = /^This operation has been blocked as a potential Cross-Site Request Forgery/;

export const CSRF_REFUSAL_MESSAGE =
  'Refused as a possible cross-site request forgery (CSRF): a GET to /graphql must carry the header ' +
  '`apollo-require-preflight: true` (or `x-apollo-operation-name`), and a POST `content-type: application/json`; ' +
  'a browser address bar or an HTML form sends neither. From a shell: ' +
  `curl -G http://localhost:4001/graphql -H 'apollo-require-preflight: true' --data-urlencode 'query={ __typename }'. ` +
  'In a browser, open /graphiql. See "Try it" in the README.';

/** Apollo's CSRF refusal with a message that says what a request needs; other errors unchanged. */
export function explainCsrfRefusal(formatted: GraphQLFormattedError): GraphQLFormattedError {
  if (formatted.extensions?.code !== 'BAD_REQUEST' || !APOLLO_CSRF_MESSAGE.test(formatted.message)) return formatted;
  return { ...formatted, message: CSRF_REFUSAL_MESSAGE };
}

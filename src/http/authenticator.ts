import { createRemoteJWKSet, errors as joseErrors, JWTPayload, jwtVerify, JWTVerifyGetKey, JWTVerifyOptions } from 'jose';
import { AuthConfig } from '../core/config';
import { isBrand } from '../core/brand';
import { ANONYMOUS_CALLER, Caller } from '../core/caller';
import { unauthenticatedRequest } from '../core/errors/graphql-errors';
import { DEVELOPMENT_CALLER } from './development-caller';

/**
 * Turns a request's Authorization header into the caller: anonymous when there is no
 * token (fields that need a scope then answer UNAUTHENTICATED), or a GraphQL
 * error when the token is malformed, forged, expired, or lacks a usable brand.
 */
export type Authenticate = (authorization: string | undefined) => Promise<Caller>;

export function createAuthenticator(config: AuthConfig): Authenticate {
  if (config.mode === 'development') return async () => DEVELOPMENT_CALLER;

  const options: JWTVerifyOptions = {
    algorithms: config.secret ? ['HS256'] : ['RS256', 'ES256'],
    clockTolerance: config.clockToleranceSeconds,
    ...(config.issuer ? { issuer: config.issuer } : {}),
    ...(config.audience ? { audience: config.audience } : {}),
  };
  let verify: (token: string) => Promise<{ payload: JWTPayload }>;
  if (config.secret) {
    const secret = new TextEncoder().encode(config.secret);
    verify = (token) => jwtVerify(token, secret, options);
  } else {
    // The remote key set caches keys and fetches again when a token names an unknown key id (rotation).
    const keySet: JWTVerifyGetKey = createRemoteJWKSet(new URL(config.jwksUrl!), {
      cacheMaxAge: 10 * 60_000,
      cooldownDuration: 30_000,
      timeoutDuration: 3_000,
    });
    verify = (token) => jwtVerify(token, keySet, options);
  }

  return async (authorization) => {
    if (authorization === undefined || authorization.trim() === '') return ANONYMOUS_CALLER;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match) throw unauthenticatedRequest('The Authorization header must be "Bearer <token>".');
    let payload: JWTPayload;
    try {
      ({ payload } = await verify(match[1]!));
    } catch (error) {
      throw unauthenticatedRequest(describeVerificationFailure(error));
    }
    return callerFromClaims(payload);
  };
}

function callerFromClaims(payload: JWTPayload): Caller {
  const { brand, scope } = payload as { brand?: unknown; scope?: unknown };
  // Anything but a brand in the claim is refused rather than stored.
  if (!isBrand(brand)) {
    throw unauthenticatedRequest('The token has no usable "brand" claim.');
  }
  const scopes = typeof scope === 'string' ? scope.split(' ').filter((item) => item !== '') : [];
  return { brand, scopes: new Set(scopes), authenticated: true };
}

function describeVerificationFailure(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'The token has expired.';
  if (error instanceof joseErrors.JWTClaimValidationFailed) return `The token was refused: ${error.message}.`;
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'The token signature is not valid.';
  if (error instanceof joseErrors.JWKSNoMatchingKey) return 'The token was signed with an unknown key.';
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'The token uses an algorithm this service does not accept.';
  if (error instanceof joseErrors.JWKSTimeout) return 'The token could not be verified: the key set did not answer in time.';
  return 'The token is malformed or could not be verified.';
}

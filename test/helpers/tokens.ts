import { once } from 'node:events';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, JWK, JWTPayload, KeyLike, SignJWT } from 'jose';

/** A shared HS256 secret long enough for the config's 32-character minimum. */
export const TEST_JWT_SECRET = 'test-secret-for-hs256-tokens-0123456789';

export const ALL_TEST_SCOPES = 'customer:read customer:write customer:purge';

export interface TokenOptions {
  /** Claims besides the defaults (`brand: "acme"`, every scope); a claim set to undefined is left out. */
  claims?: Record<string, unknown>;
  /** Expiry as seconds from now (negative: already expired); default one hour. */
  expiresInSeconds?: number;
  issuer?: string;
  audience?: string;
}

function payloadOf(options: TokenOptions): JWTPayload {
  const payload: Record<string, unknown> = { brand: 'acme', scope: ALL_TEST_SCOPES, ...options.claims };
  for (const [name, value] of Object.entries(payload)) if (value === undefined) delete payload[name];
  return payload;
}

async function signWith(key: KeyLike | Uint8Array, header: { alg: string; kid?: string }, options: TokenOptions): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  let jwt = new SignJWT(payloadOf(options))
    .setProtectedHeader(header)
    .setIssuedAt(now - 60)
    .setExpirationTime(now + (options.expiresInSeconds ?? 3600));
  if (options.issuer !== undefined) jwt = jwt.setIssuer(options.issuer);
  if (options.audience !== undefined) jwt = jwt.setAudience(options.audience);
  return jwt.sign(key);
}

/** An HS256 token signed with `secret` (the test secret by default). */
export function hs256Token(options: TokenOptions = {}, secret = TEST_JWT_SECRET): Promise<string> {
  return signWith(new TextEncoder().encode(secret), { alg: 'HS256' }, options);
}

/** A token with `alg: none` and no signature, as an attacker would forge it. */
export function unsignedToken(options: TokenOptions = {}): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ ...payloadOf(options), iat: now, exp: now + 3600 })}.`;
}

/** The Authorization header for a token. */
export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/** A key pair for one algorithm, with the public half as a JWK named `kid`. */
export interface SigningKey {
  kid: string;
  alg: 'RS256' | 'ES256';
  privateKey: KeyLike;
  publicJwk: JWK;
}

export async function generateSigningKey(alg: 'RS256' | 'ES256', kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { kid, alg, privateKey, publicJwk };
}

export function signedToken(key: SigningKey, options: TokenOptions = {}): Promise<string> {
  return signWith(key.privateKey, { alg: key.alg, kid: key.kid }, options);
}

/** A JWKS endpoint on a free local port; the keys it serves can change while it runs (rotation). */
export interface JwksServer {
  url: string;
  /** How many times the key set was fetched. */
  readonly fetches: number;
  serve(keys: SigningKey[]): void;
  close(): Promise<void>;
}

export async function startJwksServer(keys: SigningKey[]): Promise<JwksServer> {
  let served = keys;
  let fetches = 0;
  const server: Server = createServer((_req, res) => {
    fetches += 1;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: served.map((key) => key.publicJwk) }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    get fetches() {
      return fetches;
    },
    serve(next) {
      served = next;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

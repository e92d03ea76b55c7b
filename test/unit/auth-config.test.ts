import { createAuthenticator } from '../../src/http/authenticator';
import { ALL_SCOPES } from '../../src/core/scopes';
import { loadConfig } from '../../src/core/config';

const SECRET = 'a-secret-of-at-least-thirty-two-characters';
/** Production also needs a cursor key of its own (see cursor-config.test.ts). */
const CURSOR_SECRET = 'a-cursor-key-of-this-deployment';

describe('loadConfig: authentication settings', () => {
  it('refuses to start in production without AUTH_* and names AUTH_JWT_SECRET', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/AUTH_JWT_SECRET/);
  });

  it('starts in production with a secret', () => {
    expect(loadConfig({ NODE_ENV: 'production', CURSOR_SECRET, AUTH_JWT_SECRET: SECRET }).auth).toMatchObject({
      mode: 'jwt',
      secret: SECRET,
    });
  });

  it('starts in production with a JWKS URL', () => {
    const config = loadConfig({ NODE_ENV: 'production', CURSOR_SECRET, AUTH_JWKS_URL: 'https://auth.example.test/jwks.json' });
    expect(config.auth).toMatchObject({ mode: 'jwt', jwksUrl: 'https://auth.example.test/jwks.json', secret: null });
  });

  it('refuses a secret shorter than 32 characters', () => {
    expect(() => loadConfig({ AUTH_JWT_SECRET: SECRET.slice(0, 31) })).toThrow(/AUTH_JWT_SECRET.*32/);
    expect(loadConfig({ AUTH_JWT_SECRET: SECRET.slice(0, 32) }).auth.mode).toBe('jwt');
  });

  it('refuses a secret and a JWKS URL together', () => {
    expect(() => loadConfig({ AUTH_JWT_SECRET: SECRET, AUTH_JWKS_URL: 'https://auth.example.test/jwks.json' })).toThrow(
      /AUTH_JWT_SECRET.*AUTH_JWKS_URL/,
    );
  });

  it('refuses a JWKS URL that is not an http(s) URL', () => {
    expect(() => loadConfig({ AUTH_JWKS_URL: 'not a url' })).toThrow(/AUTH_JWKS_URL/);
    expect(() => loadConfig({ AUTH_JWKS_URL: 'file:///etc/jwks.json' })).toThrow(/AUTH_JWKS_URL/);
  });

  it('refuses an issuer or audience without a way to verify tokens', () => {
    expect(() => loadConfig({ AUTH_ISSUER: 'https://auth.example.test/' })).toThrow(/AUTH_ISSUER/);
    expect(() => loadConfig({ AUTH_AUDIENCE: 'customers' })).toThrow(/AUTH_AUDIENCE/);
  });

  it('reads the clock tolerance, 30 seconds by default', () => {
    expect(loadConfig({ AUTH_JWT_SECRET: SECRET }).auth).toMatchObject({ clockToleranceSeconds: 30 });
    expect(loadConfig({ AUTH_JWT_SECRET: SECRET, AUTH_CLOCK_TOLERANCE_SECONDS: '5' }).auth).toMatchObject({ clockToleranceSeconds: 5 });
    expect(() => loadConfig({ AUTH_JWT_SECRET: SECRET, AUTH_CLOCK_TOLERANCE_SECONDS: '-1' })).toThrow(/AUTH_CLOCK_TOLERANCE_SECONDS/);
  });

  it('refuses a short router secret', () => {
    expect(() => loadConfig({ ROUTER_SECRET: 'short' })).toThrow(/ROUTER_SECRET/);
  });

  it('turns introspection off in production unless ENABLE_INTROSPECTION=true', () => {
    expect(loadConfig({ NODE_ENV: 'production', CURSOR_SECRET, AUTH_JWT_SECRET: SECRET }).introspection).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', CURSOR_SECRET, AUTH_JWT_SECRET: SECRET, ENABLE_INTROSPECTION: 'true' }).introspection).toBe(
      true,
    );
    expect(loadConfig({}).introspection).toBe(true);
  });
});

describe('development mode', () => {
  it('is chosen outside production when no AUTH_* setting is given', () => {
    expect(loadConfig({ NODE_ENV: 'development' }).auth).toEqual({ mode: 'development' });
    expect(loadConfig({}).auth).toEqual({ mode: 'development' });
  });

  it('makes every request brand "default" with every scope, token or not', async () => {
    const authenticate = createAuthenticator({ mode: 'development' });
    for (const header of [undefined, '', 'Bearer whatever']) {
      const caller = await authenticate(header);
      expect(caller.brand).toBe('default');
      expect(caller.authenticated).toBe(true);
      expect([...caller.scopes].sort()).toEqual([...ALL_SCOPES].sort());
    }
    expect([...ALL_SCOPES].sort()).toEqual(['customer:purge', 'customer:read', 'customer:write']);
  });
});

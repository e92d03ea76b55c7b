import { ConfigError, loadConfig } from '../../src/core/config';

const AUTH = { AUTH_JWT_SECRET: 'a-secret-of-at-least-thirty-two-characters' };

function refusal(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

describe('loadConfig: CURSOR_SECRET', () => {
  it('refuses to start in production without CURSOR_SECRET, naming it and saying why', () => {
    const error = refusal({ NODE_ENV: 'production', ...AUTH });
    expect(error.message).toMatch(/^Invalid configuration: CURSOR_SECRET /);
    expect(error.message).toMatch(/built-in one is public/);
  });

  it('refuses the built-in key in production also when it is set explicitly', () => {
    const builtIn = loadConfig({}).cursorSecret;
    expect(refusal({ NODE_ENV: 'production', ...AUTH, CURSOR_SECRET: builtIn }).message).toMatch(/CURSOR_SECRET .*built-in/);
  });

  it('starts in production with a key of its own', () => {
    expect(loadConfig({ NODE_ENV: 'production', ...AUTH, CURSOR_SECRET: 'this-deployments-own-key' }).cursorSecret).toBe(
      'this-deployments-own-key',
    );
  });

  it('uses the built-in key outside production', () => {
    for (const nodeEnv of ['development', 'test']) expect(loadConfig({ NODE_ENV: nodeEnv }).cursorSecret.length).toBeGreaterThanOrEqual(16);
  });

  it('refuses a key shorter than 16 characters', () => {
    expect(refusal({ CURSOR_SECRET: 'short' }).message).toMatch(/CURSOR_SECRET must be at least 16 characters/);
  });
});

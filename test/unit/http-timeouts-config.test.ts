import { loadConfig } from '../../src/core/config';

describe('loadConfig: HTTP timeouts', () => {
  it('gives headers 20 s and the whole request 30 s by default', () => {
    expect(loadConfig({})).toMatchObject({ headersTimeoutMs: 20_000, requestTimeoutMs: 30_000 });
  });

  it('keeps the headers timeout within a shorter request timeout', () => {
    expect(loadConfig({ HTTP_REQUEST_TIMEOUT_MS: '5000' })).toMatchObject({ headersTimeoutMs: 5000, requestTimeoutMs: 5000 });
  });

  it('takes HTTP_HEADERS_TIMEOUT_MS, and refuses one above the request timeout, naming it', () => {
    expect(loadConfig({ HTTP_HEADERS_TIMEOUT_MS: '1500', HTTP_REQUEST_TIMEOUT_MS: '3000' }).headersTimeoutMs).toBe(1500);
    expect(() => loadConfig({ HTTP_HEADERS_TIMEOUT_MS: '40000' })).toThrow(
      /^Invalid configuration: HTTP_HEADERS_TIMEOUT_MS must not be above/,
    );
  });
});

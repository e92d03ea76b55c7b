import { ConfigError, loadConfig } from '../../src/core/config';

describe('change feed settings', () => {
  it('keeps events 30 days and publishes to no broker by default', () => {
    expect(loadConfig({}).events).toEqual({ retentionDays: 30, pollMs: 250, nats: null });
  });

  it('publishes to NATS JetStream stream CUSTOMERS when EVENTS_NATS_URL is set, or to EVENTS_NATS_STREAM', () => {
    expect(loadConfig({ EVENTS_NATS_URL: 'nats://127.0.0.1:4222' }).events.nats).toEqual({
      url: 'nats://127.0.0.1:4222',
      stream: 'CUSTOMERS',
    });
    expect(loadConfig({ EVENTS_NATS_URL: 'nats://a:4222,nats://b:4222', EVENTS_NATS_STREAM: 'CRM_EVENTS' }).events.nats).toEqual({
      url: 'nats://a:4222,nats://b:4222',
      stream: 'CRM_EVENTS',
    });
  });

  it.each([
    [{ EVENTS_RETENTION_DAYS: '0' }, 'EVENTS_RETENTION_DAYS'],
    [{ EVENTS_RETENTION_DAYS: 'soon' }, 'EVENTS_RETENTION_DAYS'],
    [{ EVENTS_NATS_URL: 'http://127.0.0.1:4222' }, 'EVENTS_NATS_URL'],
    [{ EVENTS_NATS_URL: 'not a url' }, 'EVENTS_NATS_URL'],
    [{ EVENTS_NATS_STREAM: 'customers.events' }, 'EVENTS_NATS_STREAM'],
    [{ EVENTS_NATS_STREAM: 'a*' }, 'EVENTS_NATS_STREAM'],
  ])('refuses %j, naming %s', (env, setting) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(setting);
  });
});

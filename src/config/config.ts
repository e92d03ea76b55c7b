/**
 * The one place that reads `process.env`. Every setting is validated when the
 * service starts; a bad value stops the start with a message naming the setting.
 */

export type DatabaseConfig =
  | { dialect: 'sqlite'; path: string }
  | { dialect: 'mysql'; url: string; host: string; port: number; user: string; password: string; database: string };

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Config {
  port: number;
  nodeEnv: string;
  database: DatabaseConfig;
  logLevel: LogLevel;
  /** Key for the HMAC that makes cursors tamper-evident; replicas must share it. */
  cursorSecret: string;
  /** Largest accepted request body, in bytes. */
  bodyLimitBytes: number;
  /** How long in-flight requests may run after SIGTERM before the process exits anyway. */
  shutdownGraceMs: number;
  /** The JSON file of flag definitions (the flag registry). */
  flagsFile: string;
}

export class ConfigError extends Error {
  constructor(setting: string, problem: string) {
    super(`Invalid configuration: ${setting} ${problem}`);
    this.name = 'ConfigError';
  }
}

const DEFAULT_SQLITE_PATH = './data/customers.sqlite';
const DEFAULT_FLAGS_FILE = 'config/flags.json';
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
/** Used only when CURSOR_SECRET is unset; cursors then stay valid across restarts of any replica. */
const DEFAULT_CURSOR_SECRET = 'customer-subgraph-cursor-v1';

type Env = Record<string, string | undefined>;

export function parseDatabaseUrl(value: string | undefined): DatabaseConfig {
  if (value === undefined || value.trim() === '') {
    return { dialect: 'sqlite', path: DEFAULT_SQLITE_PATH };
  }
  const raw = value.trim();
  if (raw === 'sqlite::memory:') {
    return { dialect: 'sqlite', path: ':memory:' };
  }
  if (raw.startsWith('sqlite:')) {
    const path = raw.slice('sqlite:'.length).replace(/^\/\//, '');
    if (path === '') throw new ConfigError('DATABASE_URL', 'names no SQLite file (use sqlite:./path.db)');
    return { dialect: 'sqlite', path };
  }
  if (raw.startsWith('mysql://') || raw.startsWith('mariadb://')) {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new ConfigError('DATABASE_URL', 'is not a valid URL (expected mysql://user:pass@host:port/db)');
    }
    const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
    if (database === '') throw new ConfigError('DATABASE_URL', 'names no database (expected mysql://user:pass@host:port/db)');
    const port = url.port === '' ? 3306 : Number(url.port);
    return {
      dialect: 'mysql',
      url: raw,
      host: url.hostname,
      port,
      user: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
      database,
    };
  }
  throw new ConfigError('DATABASE_URL', 'must start with mysql://, sqlite: or be sqlite::memory:');
}

function parseInteger(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(name, `must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

export function loadConfig(env: Env = process.env): Config {
  const logLevel = (env.LOG_LEVEL ?? 'info').trim() as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}, got "${env.LOG_LEVEL}"`);
  }
  const cursorSecret = env.CURSOR_SECRET ?? DEFAULT_CURSOR_SECRET;
  if (cursorSecret.length < 16) {
    throw new ConfigError('CURSOR_SECRET', 'must be at least 16 characters long');
  }
  return {
    port: parseInteger(env, 'PORT', 4001, 0, 65535),
    nodeEnv: env.NODE_ENV ?? 'development',
    database: parseDatabaseUrl(env.DATABASE_URL),
    logLevel,
    cursorSecret,
    bodyLimitBytes: parseInteger(env, 'BODY_LIMIT_BYTES', 1024 * 1024, 1024, 100 * 1024 * 1024),
    shutdownGraceMs: parseInteger(env, 'SHUTDOWN_GRACE_MS', 10_000, 0, 600_000),
    flagsFile: env.CUSTOMER_FLAGS_FILE?.trim() || DEFAULT_FLAGS_FILE,
  };
}

/**
 * The one place that reads `process.env`. Every setting is validated when the
 * service starts; a bad value stops the start with a message naming the setting.
 */

export type DatabaseConfig =
  | { dialect: 'sqlite'; path: string }
  | { dialect: 'mysql'; url: string; host: string; port: number; user: string; password: string; database: string };

/** What a browser opening `/graphql` gets: Apollo Sandbox (loaded from Apollo's CDN, GraphiQL when it cannot load) or the self-hosted GraphiQL. */
export type ExplorerChoice = 'sandbox' | 'graphiql';
const EXPLORER_CHOICES: readonly ExplorerChoice[] = ['sandbox', 'graphiql'];

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Config {
  port: number;
  nodeEnv: string;
  database: DatabaseConfig;
  logLevel: LogLevel;
  /** The key pagination cursors are encrypted and authenticated with; replicas must share it. */
  cursorSecret: string;
  /** Largest accepted request body, in bytes. */
  bodyLimitBytes: number;
  /** How long in-flight requests may run after SIGTERM before the process exits anyway. */
  shutdownGraceMs: number;
  /** After SIGTERM, how long readiness answers 503 while requests are still served, before the listener closes. */
  shutdownDrainMs: number;
  /** The JSON file of flag definitions (the flag registry). */
  flagsFile: string;
  auth: AuthConfig;
  /** When set, only requests carrying it in `x-router-secret` are served: only the router can reach the subgraph. */
  routerSecret: string | null;
  /** Largest estimated cost of one operation (see src/http/query-limits.ts). */
  maxQueryCost: number;
  /** Deepest selection nesting of one operation. */
  maxQueryDepth: number;
  /** Introspection, and with it the self-hosted GraphiQL at /graphiql: always outside production, there only with ENABLE_INTROSPECTION. */
  introspection: boolean;
  explorer: ExplorerChoice;
  /** Longest a single SQL statement may run on MySQL/MariaDB before the server aborts it. */
  statementTimeoutMs: number;
  /** HTTP server: how long a whole request may take to arrive, how long its headers may take, and how long an idle keep-alive connection stays open. */
  requestTimeoutMs: number;
  headersTimeoutMs: number;
  keepAliveTimeoutMs: number;
  events: EventsConfig;
  imports: ImportsConfig;
  /** Customers read per keyset page of an export (`GET /exports/customers`). */
  exportPageSize: number;
}

/** CSV imports (`POST /imports/customers`, `npm run import`). */
export interface ImportsConfig {
  /** Largest accepted CSV body, in bytes. */
  maxBytes: number;
  /** Rows stored, and later applied, per chunk: each chunk is applied in one transaction. */
  chunkRows: number;
  /** How long a replica's claim on an import lasts without being renewed (each chunk renews it). */
  leaseMs: number;
  /** How often each process looks for imports to work on. */
  pollMs: number;
  /** Chunks of one import applied side by side, each in its own transaction (chunks that share an external id never are). */
  chunksInFlight: number;
}

/** The change feed: how long events are kept, and the NATS JetStream they are also published to (when set). */
export interface EventsConfig {
  retentionDays: number;
  /** How often each process looks for events that other replicas committed, to number them. */
  pollMs: number;
  nats: { url: string; stream: string } | null;
}

/**
 * How callers are identified: verified JWTs (a shared HS256 secret, or keys
 * from a JWKS URL), or, outside production only, no authentication at all
 * (every request is brand `default` with every scope).
 */
export type AuthConfig =
  | { mode: 'development' }
  | {
      mode: 'jwt';
      secret: string | null;
      jwksUrl: string | null;
      issuer: string | null;
      audience: string | null;
      clockToleranceSeconds: number;
    };

export class ConfigError extends Error {
  constructor(setting: string, problem: string) {
    super(`Invalid configuration: ${setting} ${problem}`);
    this.name = 'ConfigError';
  }
}

const DEFAULT_SQLITE_PATH = './data/customers.sqlite';
const DEFAULT_FLAGS_FILE = 'config/flags.json';
/** Enough for `customers(first: 1000)` with a dozen fields, or 100 customers with their nested pages; see the README. */
export const DEFAULT_MAX_QUERY_COST = 25_000;
export const MAX_QUERY_DEPTH = 12;
/** HS256 keys shorter than the hash output are guessable; RFC 7518 §3.2 asks for at least 256 bits. */
const MIN_JWT_SECRET_LENGTH = 32;
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
/** Used only outside production when CURSOR_SECRET is unset; it is public, so production refuses it. */
const DEFAULT_CURSOR_SECRET = 'customer-subgraph-cursor-v1';
/** Slow-loris guard: a client that has not sent its headers by then gets 408. */
const DEFAULT_HEADERS_TIMEOUT_MS = 20_000;

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
  const nodeEnv = env.NODE_ENV?.trim() || 'development';
  const auth = parseAuth(env, nodeEnv);
  const cursorSecret = parseCursorSecret(env.CURSOR_SECRET, nodeEnv);
  return {
    port: parseInteger(env, 'PORT', 4001, 0, 65535),
    nodeEnv,
    database: parseDatabaseUrl(env.DATABASE_URL),
    logLevel,
    cursorSecret,
    bodyLimitBytes: parseInteger(env, 'BODY_LIMIT_BYTES', 1024 * 1024, 1024, 100 * 1024 * 1024),
    shutdownGraceMs: parseInteger(env, 'SHUTDOWN_GRACE_MS', 10_000, 0, 600_000),
    shutdownDrainMs: parseInteger(env, 'SHUTDOWN_DRAIN_MS', 0, 0, 600_000),
    flagsFile: env.CUSTOMER_FLAGS_FILE?.trim() || DEFAULT_FLAGS_FILE,
    auth,
    routerSecret: parseRouterSecret(env.ROUTER_SECRET),
    maxQueryCost: parseInteger(env, 'MAX_QUERY_COST', DEFAULT_MAX_QUERY_COST, 1, 10_000_000),
    maxQueryDepth: MAX_QUERY_DEPTH,
    introspection: nodeEnv !== 'production' || parseBoolean(env, 'ENABLE_INTROSPECTION', false),
    explorer: parseExplorer(env.EXPLORER),
    statementTimeoutMs: parseInteger(env, 'DB_STATEMENT_TIMEOUT_MS', 10_000, 100, 600_000),
    ...parseHttpTimeouts(env),
    keepAliveTimeoutMs: parseInteger(env, 'HTTP_KEEP_ALIVE_TIMEOUT_MS', 65_000, 1_000, 600_000),
    events: parseEvents(env),
    imports: {
      maxBytes: parseInteger(env, 'IMPORT_MAX_BYTES', 100 * 1024 * 1024, 1024, 10 * 1024 * 1024 * 1024),
      chunkRows: parseInteger(env, 'IMPORT_CHUNK_ROWS', 1000, 1, 10_000),
      leaseMs: parseInteger(env, 'IMPORT_LEASE_MS', 60_000, 1_000, 3_600_000),
      pollMs: parseInteger(env, 'IMPORT_POLL_MS', 1_000, 10, 600_000),
      chunksInFlight: parseInteger(env, 'IMPORT_CHUNKS_IN_FLIGHT', 2, 1, 8),
    },
    exportPageSize: parseInteger(env, 'EXPORT_PAGE_SIZE', 1000, 1, 10_000),
  };
}

function parseExplorer(raw: string | undefined): ExplorerChoice {
  const value = raw?.trim().toLowerCase() || 'sandbox';
  if (!(EXPLORER_CHOICES as readonly string[]).includes(value)) {
    throw new ConfigError('EXPLORER', `must be one of ${EXPLORER_CHOICES.join(', ')}, got "${raw}"`);
  }
  return value as ExplorerChoice;
}

function parseBoolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new ConfigError(name, `must be true or false, got "${env[name]}"`);
}

function parseAuth(env: Env, nodeEnv: string): AuthConfig {
  const secret = env.AUTH_JWT_SECRET?.trim() || null;
  const jwksUrl = env.AUTH_JWKS_URL?.trim() || null;
  const issuer = env.AUTH_ISSUER?.trim() || null;
  const audience = env.AUTH_AUDIENCE?.trim() || null;
  if (!secret && !jwksUrl) {
    if (issuer || audience) {
      throw new ConfigError(issuer ? 'AUTH_ISSUER' : 'AUTH_AUDIENCE', 'is set, but neither AUTH_JWT_SECRET nor AUTH_JWKS_URL is');
    }
    if (nodeEnv === 'production') {
      throw new ConfigError(
        'AUTH_JWT_SECRET',
        'or AUTH_JWKS_URL must be set when NODE_ENV=production: without them every request would act with every scope',
      );
    }
    return { mode: 'development' };
  }
  if (secret && jwksUrl) throw new ConfigError('AUTH_JWT_SECRET', 'and AUTH_JWKS_URL are both set; set one of them');
  if (secret && secret.length < MIN_JWT_SECRET_LENGTH) {
    throw new ConfigError('AUTH_JWT_SECRET', `must be at least ${MIN_JWT_SECRET_LENGTH} characters long`);
  }
  if (jwksUrl) {
    let url: URL;
    try {
      url = new URL(jwksUrl);
    } catch {
      throw new ConfigError('AUTH_JWKS_URL', `is not a valid URL: "${jwksUrl}"`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ConfigError('AUTH_JWKS_URL', 'must be an http(s) URL');
  }
  return {
    mode: 'jwt',
    secret,
    jwksUrl,
    issuer,
    audience,
    clockToleranceSeconds: parseInteger(env, 'AUTH_CLOCK_TOLERANCE_SECONDS', 30, 0, 600),
  };
}

/** JetStream stream names: letters, digits, `-` and `_` (no `.`, `*`, `>` or white space). */
const STREAM_NAME = /^[A-Za-z0-9_-]{1,64}$/;

function parseEvents(env: Env): EventsConfig {
  const retentionDays = parseInteger(env, 'EVENTS_RETENTION_DAYS', 30, 1, 3650);
  const url = env.EVENTS_NATS_URL?.trim() || null;
  const stream = env.EVENTS_NATS_STREAM?.trim() || 'CUSTOMERS';
  if (!STREAM_NAME.test(stream)) throw new ConfigError('EVENTS_NATS_STREAM', `must be 1 to 64 letters, digits, - or _, got "${stream}"`);
  const pollMs = parseInteger(env, 'EVENTS_POLL_MS', 250, 10, 600_000);
  if (url === null) return { retentionDays, pollMs, nats: null };
  for (const server of url.split(',')) {
    let parsed: URL;
    try {
      parsed = new URL(server.trim());
    } catch {
      throw new ConfigError('EVENTS_NATS_URL', `is not a valid URL: "${server}" (expected nats://host:port)`);
    }
    if (!['nats:', 'tls:', 'ws:', 'wss:'].includes(parsed.protocol)) throw new ConfigError('EVENTS_NATS_URL', 'must be a nats:// URL');
  }
  return { retentionDays, pollMs, nats: { url, stream } };
}

/** Headers must arrive within the whole request's time (Node refuses a longer headers timeout). */
function parseHttpTimeouts(env: Env): { requestTimeoutMs: number; headersTimeoutMs: number } {
  const requestTimeoutMs = parseInteger(env, 'HTTP_REQUEST_TIMEOUT_MS', 30_000, 1_000, 600_000);
  const headersTimeoutMs = parseInteger(
    env,
    'HTTP_HEADERS_TIMEOUT_MS',
    Math.min(DEFAULT_HEADERS_TIMEOUT_MS, requestTimeoutMs),
    1_000,
    600_000,
  );
  if (headersTimeoutMs > requestTimeoutMs) {
    throw new ConfigError(
      'HTTP_HEADERS_TIMEOUT_MS',
      `must not be above HTTP_REQUEST_TIMEOUT_MS (${requestTimeoutMs}), got "${env.HTTP_HEADERS_TIMEOUT_MS}"`,
    );
  }
  return { requestTimeoutMs, headersTimeoutMs };
}

function parseCursorSecret(raw: string | undefined, nodeEnv: string): string {
  const secret = raw ?? DEFAULT_CURSOR_SECRET;
  if (secret.length < 16) throw new ConfigError('CURSOR_SECRET', 'must be at least 16 characters long');
  if (nodeEnv === 'production' && secret === DEFAULT_CURSOR_SECRET) {
    throw new ConfigError(
      'CURSOR_SECRET',
      `must be set to a key of your own when NODE_ENV=production: the built-in one is public, so anyone could read and forge cursors${raw === undefined ? '' : ' (it is set to the built-in key)'}`,
    );
  }
  return secret;
}

function parseRouterSecret(raw: string | undefined): string | null {
  const value = raw?.trim() || null;
  if (value !== null && value.length < 16) throw new ConfigError('ROUTER_SECRET', 'must be at least 16 characters long');
  return value;
}

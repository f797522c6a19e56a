/**
 * Tessera's one typed configuration: every key has a documented default
 * (docs/configuration.md), values are validated once at start-up, and a
 * mistake stops the start with a message naming the key.
 */
import { DEFAULT_KEY_PRE_PUBLICATION_SECONDS, MAX_KEY_PRE_PUBLICATION_SECONDS } from '../core/tokens/key-schedule.ts';
import { DEFAULT_KEY_REFRESH_MS } from '../core/tokens/signing-keys.ts';
import { defaultArgon2Limits } from '../core/crypto/argon2id.ts';
import { DIALECT_PRESETS, type TokenDialect } from '../http/dialect.ts';
import type { LogLevel } from '../http/logging.ts';
import type { TokenRoute } from '../http/form-endpoints.ts';

export interface TokenEndpointConfig {
  /** URL path, e.g. `/v2/token/`. */
  path: string;
  /** Preset name from DIALECT_PRESETS; default `rfc6749`. */
  dialect?: string;
  /** Single options overriding the preset. */
  options?: Partial<TokenDialect>;
}

export interface TesseraConfig {
  host: string;
  port: number;
  /** SQLite file path (or `:memory:`), or a `postgres://` connection URL. */
  database: string;
  /** Most PostgreSQL connections one process holds (ignored for SQLite). */
  databasePoolSize: number;
  /** Public base URL, used as the default tenant's issuer; default `http://localhost:<port>`. */
  publicUrl: string | undefined;
  defaultTenant: string;
  bodyLimitBytes: number;
  logLevel: LogLevel;
  trustProxy: boolean;
  /** Extra token endpoint paths and their dialects; `/oauth/token` always exists. */
  tokenEndpoints: TokenEndpointConfig[];
  /** How long shutdown waits for in-flight requests before closing anyway. */
  shutdownTimeoutMs: number;
  /** Server processes sharing the port (node:cluster); 1 runs no cluster. */
  workers: number;
  /** Milliseconds between expired-token purges; 0 turns the purger off. */
  purgeIntervalMs: number;
  /** Tokens deleted per purge statement. */
  purgeBatchSize: number;
  /** SQLite: milliseconds between WAL checkpoints by a worker thread; 0 leaves them to SQLite, on the event loop. */
  sqliteCheckpointIntervalMs: number;
  /** Seconds between publishing a rotated signing key in the JWKS and signing with it (`tessera keys rotate`). */
  keyPrePublicationSeconds: number;
  /**
   * Seconds between a server's re-reads of a tenant's signing keys: how late it
   * notices a rotation made elsewhere. Keep it below the pre-publication delay.
   */
  keyRefreshSeconds: number;
  /** argon2id hashes (password logins, chosen client secrets) computed at once; each holds 19 MiB. */
  argon2Concurrency: number;
  /** argon2id hashes that may wait for a slot; beyond, requests get 503 temporarily_unavailable. */
  argon2MaxQueued: number;
  /** Serve the operators' web console at `/console`. */
  console: boolean;
}

export const DEFAULT_CONFIG: TesseraConfig = {
  host: '127.0.0.1',
  port: 8080,
  database: 'tessera.db',
  databasePoolSize: 10,
  publicUrl: undefined,
  defaultTenant: 'default',
  bodyLimitBytes: 16_384,
  logLevel: 'info',
  trustProxy: false,
  tokenEndpoints: [],
  shutdownTimeoutMs: 10_000,
  workers: 1,
  purgeIntervalMs: 60_000,
  purgeBatchSize: 1000,
  sqliteCheckpointIntervalMs: 100,
  keyPrePublicationSeconds: DEFAULT_KEY_PRE_PUBLICATION_SECONDS,
  keyRefreshSeconds: DEFAULT_KEY_REFRESH_MS / 1000,
  argon2Concurrency: defaultArgon2Limits().concurrency,
  argon2MaxQueued: defaultArgon2Limits().maxQueued,
  console: true,
};

/** The advertised token endpoint path (RFC 8414 metadata names it). */
export const TOKEN_PATH = '/oauth/token';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** A configuration mistake, reported at start-up. */
export class ConfigError extends Error {
  constructor(key: string, reason: string) {
    super(`configuration: ${key} ${reason}`);
    this.name = 'ConfigError';
  }
}

/** Validates a partial configuration (from a file, env or flags) merged over the defaults. */
export function validateConfig(input: Record<string, unknown>): TesseraConfig {
  const known = new Set(Object.keys(DEFAULT_CONFIG));
  for (const key of Object.keys(input)) {
    if (!known.has(key)) throw new ConfigError(key, 'is not a known key');
  }
  const merged = { ...DEFAULT_CONFIG, ...input } as Record<string, unknown>;
  const config: TesseraConfig = {
    host: string(merged, 'host'),
    port: integer(merged, 'port', 0, 65_535),
    database: database(merged),
    databasePoolSize: integer(merged, 'databasePoolSize', 1, 1000),
    publicUrl: merged.publicUrl === undefined ? undefined : url(merged, 'publicUrl'),
    defaultTenant: string(merged, 'defaultTenant'),
    bodyLimitBytes: integer(merged, 'bodyLimitBytes', 256, 10_485_760),
    logLevel: oneOf(merged, 'logLevel', LOG_LEVELS) as LogLevel,
    trustProxy: boolean(merged, 'trustProxy'),
    tokenEndpoints: tokenEndpoints(merged.tokenEndpoints),
    shutdownTimeoutMs: integer(merged, 'shutdownTimeoutMs', 0, 600_000),
    workers: integer(merged, 'workers', 1, 256),
    purgeIntervalMs: integer(merged, 'purgeIntervalMs', 0, 86_400_000),
    purgeBatchSize: integer(merged, 'purgeBatchSize', 1, 100_000),
    sqliteCheckpointIntervalMs: integer(merged, 'sqliteCheckpointIntervalMs', 0, 60_000),
    keyPrePublicationSeconds: integer(merged, 'keyPrePublicationSeconds', 0, MAX_KEY_PRE_PUBLICATION_SECONDS),
    keyRefreshSeconds: integer(merged, 'keyRefreshSeconds', 1, 3600),
    argon2Concurrency: integer(merged, 'argon2Concurrency', 1, 64),
    argon2MaxQueued: integer(merged, 'argon2MaxQueued', 0, 10_000),
    console: boolean(merged, 'console'),
  };
  tokenRoutes(config); // dialect names and options are checked now, not at the first request
  return config;
}

/** The token routes to serve: `/oauth/token` (strict unless configured) plus every configured alias. */
export function tokenRoutes(config: TesseraConfig): TokenRoute[] {
  const routes = new Map<string, TokenRoute>([[TOKEN_PATH, { path: TOKEN_PATH, dialect: DIALECT_PRESETS.rfc6749! }]]);
  config.tokenEndpoints.forEach((endpoint, i) => {
    const key = `tokenEndpoints[${i}]`;
    const preset = DIALECT_PRESETS[endpoint.dialect ?? 'rfc6749'];
    if (preset === undefined) {
      throw new ConfigError(`${key}.dialect`, `must be one of ${Object.keys(DIALECT_PRESETS).join(', ')}`);
    }
    const dialect = { ...preset, ...endpoint.options };
    checkDialect(dialect, `${key}.options`);
    routes.set(endpoint.path, { path: endpoint.path, dialect });
  });
  return [...routes.values()];
}

function tokenEndpoints(value: unknown): TokenEndpointConfig[] {
  if (!Array.isArray(value)) throw new ConfigError('tokenEndpoints', 'must be an array');
  return value.map((entry, i) => {
    const key = `tokenEndpoints[${i}]`;
    if (entry === null || typeof entry !== 'object') throw new ConfigError(key, 'must be an object');
    const e = entry as Record<string, unknown>;
    for (const k of Object.keys(e)) if (!['path', 'dialect', 'options'].includes(k)) throw new ConfigError(`${key}.${k}`, 'is not a known key');
    if (typeof e.path !== 'string' || !e.path.startsWith('/')) throw new ConfigError(`${key}.path`, "must be a path starting with '/'");
    if (e.dialect !== undefined && typeof e.dialect !== 'string') throw new ConfigError(`${key}.dialect`, 'must be a string');
    if (e.options !== undefined && (e.options === null || typeof e.options !== 'object')) throw new ConfigError(`${key}.options`, 'must be an object');
    return { path: e.path, dialect: e.dialect as string | undefined, options: e.options as Partial<TokenDialect> | undefined };
  });
}

function checkDialect(d: TokenDialect, key: string): void {
  const allowed: Record<keyof TokenDialect, (v: unknown) => boolean> = {
    methods: (v) => Array.isArray(v) && v.length > 0 && v.every((m) => m === 'GET' || m === 'POST'),
    bodyFormats: (v) => Array.isArray(v) && v.length > 0 && v.every((f) => f === 'form' || f === 'json'),
    ignoreContentType: (v) => typeof v === 'boolean',
    queryParameters: (v) => typeof v === 'boolean',
    tenantParameter: (v) => v === 'optional' || v === 'required',
    tokenType: (v) => v === 'Bearer' || v === 'bearer',
    responseFields: (v) => v === 'rfc6749' || v === 'owin',
  };
  for (const [name, value] of Object.entries(d)) {
    const check = allowed[name as keyof TokenDialect];
    if (check === undefined) throw new ConfigError(`${key}.${name}`, 'is not a known option');
    if (!check(value)) throw new ConfigError(`${key}.${name}`, `has an invalid value ${JSON.stringify(value)}`);
  }
}

function string(o: Record<string, unknown>, key: string): string {
  const v = o[key];
  if (typeof v !== 'string' || v === '') throw new ConfigError(key, 'must be a non-empty string');
  return v;
}

/** A SQLite path, or a PostgreSQL URL that parses (the message never repeats it: it may hold a password). */
function database(o: Record<string, unknown>): string {
  const v = string(o, 'database');
  if (/^postgres(ql)?:\/\//i.test(v) && !URL.canParse(v)) {
    throw new ConfigError('database', 'is not a valid PostgreSQL URL (percent-encode reserved characters such as @ : / in the user name and password)');
  }
  return v;
}

function integer(o: Record<string, unknown>, key: string, min: number, max: number): number {
  const v = typeof o[key] === 'string' && /^\d+$/.test(o[key] as string) ? Number(o[key]) : o[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new ConfigError(key, `must be an integer from ${min} to ${max}`);
  }
  return v;
}

function boolean(o: Record<string, unknown>, key: string): boolean {
  const v = o[key];
  if (v === 'true' || v === 'false') return v === 'true';
  if (typeof v !== 'boolean') throw new ConfigError(key, 'must be true or false');
  return v;
}

function oneOf(o: Record<string, unknown>, key: string, values: string[]): string {
  const v = o[key];
  if (typeof v !== 'string' || !values.includes(v)) throw new ConfigError(key, `must be one of ${values.join(', ')}`);
  return v;
}

function url(o: Record<string, unknown>, key: string): string {
  const v = string(o, key);
  if (!URL.canParse(v) || !/^https?:$/.test(new URL(v).protocol)) throw new ConfigError(key, 'must be an http(s) URL');
  return v.replace(/\/+$/, '');
}

/**
 * Tessera's one typed configuration, each setting declared once below (type,
 * default, documentation; the environment variable and `serve` flag follow
 * from the key, see setting.ts). Values are validated once at start-up, and a
 * mistake stops the start with a message naming the key. docs/configuration.md's
 * table is generated from these declarations.
 */
import { defaultArgon2Limits } from '../core/crypto/argon2id.ts';
import { DEFAULT_KEY_PRE_PUBLICATION_SECONDS, MAX_KEY_PRE_PUBLICATION_SECONDS } from '../core/tokens/key-schedule.ts';
import { DEFAULT_KEY_REFRESH_MS } from '../core/tokens/signing-keys.ts';
import { parseOrigin } from '../core/web-origin.ts';
import { parseTokenEndpoints, type TokenEndpointConfig } from './dialect.ts';
import { parseTrustedProxies } from './trusted-proxies.ts';
import { defaultRulesDoc, parseRateLimitStore, parseRuleOverrides, type RuleOverrides } from './rate-limit-settings.ts';
import {
  booleanSetting, ConfigError, enumSetting, integerSetting, optional, stringSetting, urlSetting, type Setting, type SettingValue,
} from './setting.ts';

export { ConfigError } from './setting.ts';
export type { TokenEndpointConfig } from './dialect.ts';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const argon2Defaults = defaultArgon2Limits();

/** Every setting, in the order the docs list them. */
export const SETTINGS = {
  host: stringSetting({ default: '127.0.0.1', doc: 'Address to listen on. Loopback by default; set `0.0.0.0` behind a load balancer.' }),
  port: integerSetting({ default: 8080, min: 0, max: 65_535, doc: 'TCP port; `0` picks a free one (the `listening` log line names it).' }),
  database: {
    ...stringSetting({
      default: 'tessera.db',
      env: 'TESSERA_DB',
      flag: 'db',
      doc: 'SQLite file, created and migrated on first start, relative to the working directory; `:memory:` for a throwaway store; or a `postgres://user:password@host:5432/db` URL for several instances on one PostgreSQL ([deployment.md](deployment.md)).',
    }),
    parse(value: unknown, key: string): string {
      const v = stringSetting({ default: '', doc: '' }).parse(value, key);
      // The message never repeats the value: it may hold a password.
      if (/^postgres(ql)?:\/\//i.test(v) && !URL.canParse(v)) {
        throw new ConfigError(key, 'is not a valid PostgreSQL URL (percent-encode reserved characters such as @ : / in the user name and password)');
      }
      // Any other scheme (mysql://, sqlite://, file://) would otherwise be taken for a relative SQLite path.
      const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(v)?.[1];
      if (scheme !== undefined && !/^postgres(ql)?$/i.test(scheme)) {
        throw new ConfigError(key, `must be a SQLite file path or a postgres:// URL; ${scheme.toLowerCase()}:// is not supported`);
      }
      return v;
    },
  } satisfies Setting<string>,
  durability: enumSetting<'process-crash' | 'power-loss'>({
    default: 'process-crash',
    values: ['process-crash', 'power-loss'],
    doc: 'SQLite: what an answered write (a token answered 200, a rotated refresh token) survives. `process-crash`: WAL with `synchronous = NORMAL`, safe when Tessera is killed, may lose the last commits on an OS crash or power loss. `power-loss`: `synchronous = FULL`, the WAL synced at every commit, safe against both, at a cost per commit. PostgreSQL: the server\'s `synchronous_commit` and `fsync` decide; Tessera does not lower them. See [storage.md](storage.md#durability).',
  }),
  databasePoolSize: integerSetting({ default: 10, min: 1, max: 1000, doc: 'Most PostgreSQL connections one process holds.' }),
  databaseQueryTimeoutMs: integerSetting({
    default: 10_000,
    min: 100,
    max: 600_000,
    doc: 'PostgreSQL only: longest a request\'s query may wait for the database\'s answer; past it the connection is dropped and the request answered 503 with `Retry-After`, so a database that stops answering (a network partition, a stalled server) does not hold requests until the client gives up. Connecting has its own 5 s limit. Migrations are not bounded by it.',
  }),
  workers: integerSetting({ default: 1, min: 1, max: 256, doc: 'Processes serving one port (node:cluster); a crashed worker is restarted with back-off.' }),
  purgeIntervalMs: integerSetting({ default: 60_000, min: 0, max: 86_400_000, doc: 'How often expired tokens are deleted; `0` turns the purge off.' }),
  purgeBatchSize: integerSetting({ default: 1000, min: 1, max: 100_000, doc: 'Most rows one purge statement deletes, so purging never holds the database long.' }),
  sqliteCheckpointIntervalMs: integerSetting({
    default: 100,
    min: 0,
    max: 60_000,
    doc: 'SQLite only: how often a worker thread copies committed WAL pages into the database file (a PASSIVE checkpoint, on its own connection), so the event loop never stalls for a checkpoint\'s copy and fsync; the serving connection checkpoints itself only past 10,000 WAL pages. `0` leaves checkpoints to SQLite\'s default (every 1,000 pages, inside the committing request). See [storage.md](storage.md).',
  }),
  publicUrl: urlSetting({
    defaultDoc: '`http://localhost:<port>`',
    doc: 'Public base URL: the default tenant\'s issuer (`iss` of its JWTs, the base of its metadata), and `<publicUrl>/t/<id>` for tenants made by `tessera tenants create` without `--issuer`. Such issuers follow it (and the port, without it) at every start, until an operator sets one; a start whose default tenant\'s issuer is not below it (or not where the server listens) logs a warning.',
  }),
  defaultTenant: stringSetting({
    default: 'default',
    doc: 'Tenant used when a request names none (no `tenant` parameter, no Host that maps to a tenant). Created on first start.',
  }),
  bodyLimitBytes: integerSetting({
    default: 16_384,
    min: 256,
    max: 10_485_760,
    doc: 'Largest accepted request body; larger bodies get 413 `invalid_request`. A token request is a few hundred bytes.',
  }),
  requestTimeoutMs: integerSetting({
    default: 30_000,
    min: 1000,
    max: 600_000,
    doc: 'Longest a client may take to send one whole request (headers and body); then it gets 408 and the connection closes. Checked every second, so a connection may last up to a second longer. See [deployment.md](deployment.md#connections-and-timeouts).',
  }),
  headersTimeoutMs: integerSetting({
    default: 20_000,
    min: 1000,
    max: 600_000,
    doc: 'Longest a client may take to send a request\'s headers; then the connection closes (408). At most `requestTimeoutMs`. Checked every second.',
  }),
  keepAliveTimeoutMs: integerSetting({
    default: 72_000,
    min: 1000,
    max: 3_600_000,
    doc: 'How long an idle keep-alive connection stays open between requests. Longer than the 60 s idle timeout of common load balancers, so they, not Tessera, close idle connections.',
  }),
  logLevel: enumSetting<LogLevel>({ default: 'info', values: LOG_LEVELS, doc: '`fatal`, `error`, `warn`, `info`, `debug`, `trace`, `silent`: the least severe line written.' }),
  requestLogLevel: enumSetting<LogLevel>({
    default: 'info',
    values: LOG_LEVELS,
    doc: 'The level of the one line each request gets (`silent`: none). With `logLevel` `warn` and this `info`, requests are not logged; with this `debug`, they are logged only when `logLevel` is `debug` or lower.',
  }),
  requestLogSampleEvery: integerSetting({
    default: 1,
    min: 1,
    max: 1_000_000,
    doc: 'Log one successful request in N to the token, introspection and revocation endpoints (the high-rate ones); their error answers and every other request are always logged. Metrics count every request whatever this is.',
  }),
  tlsCert: optional(stringSetting({
    default: '',
    doc: 'PEM certificate chain file: serve HTTPS (TLS 1.2 and 1.3, modern ciphers only) instead of HTTP. Needs `tlsKey`. Both files are read again on SIGHUP and when they change, without dropping connections ([deployment.md](deployment.md#https)).',
  })),
  tlsKey: optional(stringSetting({ default: '', doc: 'PEM private key file of `tlsCert`. Keep it readable by Tessera\'s user only.' })),
  metricsPort: optional(integerSetting({
    default: 0,
    min: 0,
    max: 65_535,
    doc: 'Port of the management listener: Prometheus metrics at `/metrics` and `/health/live`, `/health/ready`, apart from the public port. Absent: no management listener and no metrics collected. `0` picks a free port (the `listening` line names it). Under `--workers` the primary listens and one scrape gives every worker\'s series summed.',
  })),
  metricsHost: stringSetting({ default: '127.0.0.1', doc: 'Address of the management listener. Loopback by default; set the address your Prometheus reaches.' }),
  metricsToken: optional(stringSetting({
    default: '',
    doc: 'When set, `/metrics` requires `Authorization: Bearer <this>` (Prometheus: `authorization: { credentials: … }`); the health paths stay open. Prefer the environment variable to a flag, which `ps` shows.',
  })),
  activityFlushMs: integerSetting({
    default: 5000,
    min: 50,
    max: 60_000,
    doc: 'How often each process adds its per-minute counts of tokens issued and error answers to the database, where the admin API\'s activity route (the console\'s Activity page) reads every instance\'s together.',
  }),
  trustedProxies: {
    default: [],
    defaultDoc: 'none',
    schema: { type: 'array', items: { type: 'string' } },
    doc: 'Addresses and CIDR ranges of the reverse proxies in front of Tessera (comma-separated in the environment and flag), or `loopback`, `private`, `linklocal`. A request from one of them is attributed to the address it forwarded in `forwardedHeader`, read from the right up to the first address that is not a trusted proxy; from anyone else the header is ignored. Per-address rate limits, logs and lockout records use that address ([rate-limits.md](rate-limits.md)).',
    parse: parseTrustedProxies,
  } satisfies Setting<string[]>,
  forwardedHeader: enumSetting<'x-forwarded-for' | 'forwarded'>({
    default: 'x-forwarded-for',
    values: ['x-forwarded-for', 'forwarded'],
    doc: 'The header the trusted proxies append the client address to: `x-forwarded-for`, or RFC 7239 `forwarded` (its `for=` parameters). Only this one is read, since a client can send the other unchallenged.',
  }),
  tokenEndpoints: {
    default: [],
    env: false,
    flag: false,
    schema: { type: 'array', items: { type: 'object', required: ['path'], properties: { path: { type: 'string' }, tenant: { type: 'string' }, dialect: { type: 'string' }, options: { type: 'object' } } } },
    doc: 'Extra token endpoint paths and their dialects (below). `/oauth/token` always exists.',
    parse: parseTokenEndpoints,
  } satisfies Setting<TokenEndpointConfig[]>,
  keyPrePublicationSeconds: integerSetting({
    default: DEFAULT_KEY_PRE_PUBLICATION_SECONDS,
    min: 0,
    max: MAX_KEY_PRE_PUBLICATION_SECONDS,
    doc: 'How long a rotated signing key is published in the JWKS before it signs, so resource servers have fetched it by then (`tessera keys rotate --delay` overrides it per rotation; [tokens-and-verification.md](tokens-and-verification.md)).',
  }),
  keyRefreshSeconds: integerSetting({
    default: DEFAULT_KEY_REFRESH_MS / 1000,
    min: 1,
    max: 3600,
    doc: 'How often a server re-reads a tenant\'s signing keys from the database, so it publishes and signs with a key rotated elsewhere (`tessera keys rotate`, another instance). Keep it below the pre-publication delay. Lower it to shorten how long other instances keep signing with a key replaced by an emergency `--delay 0` rotation, or when `keyPrePublicationSeconds` is under 30; each re-read is one small query per tenant in use.',
  }),
  keyEncryptionKey: optional(stringSetting({
    default: '',
    flag: false,
    defaultDoc: 'none',
    doc: 'The key-encryption key that seals tenants\' private signing keys in the database (AES-256-GCM): 32 random bytes in base64, e.g. `openssl rand -base64 32`. Environment only, never a flag (a command line is visible to other users). Required with PostgreSQL unless `keyEncryptionKeyFile` is set, and the same on every instance. Change it with `tessera keys rewrap` ([security.md](security.md#keys-at-rest)).',
  })),
  keyEncryptionKeyFile: optional(stringSetting({
    default: '',
    defaultDoc: '`<database>.kek` (SQLite)',
    doc: 'A file holding the key-encryption key (base64, as `keyEncryptionKey`). With SQLite and neither setting, the key lives beside the database in `<database>.kek`, generated with mode 0600 on first start; back it up with the database (without it the signing keys cannot be read) but keep it out of the database\'s backups\' reach where you can.',
  })),
  shutdownTimeoutMs: integerSetting({ default: 10_000, min: 0, max: 600_000, doc: 'On SIGTERM/SIGINT, how long in-flight requests may take before connections are closed.' }),
  argon2Concurrency: integerSetting({
    default: argon2Defaults.concurrency,
    defaultDoc: 'cores, at most 3 (one libuv thread stays free), at least 1',
    min: 1,
    max: 64,
    doc: 'argon2id hashes (password logins, operator-chosen client secrets) computed at once. Each holds 19 MiB for tens of milliseconds of a libuv thread, so this bounds argon2 memory (3 × 19 MiB by default) and keeps a thread for file and DNS work. Raise it with `UV_THREADPOOL_SIZE` on a big machine ([benchmarks.md](benchmarks.md) has the measurements).',
  }),
  argon2MaxQueued: integerSetting({
    default: argon2Defaults.maxQueued,
    min: 0,
    max: 10_000,
    doc: 'Hashes that may wait for a slot, shared out fairly: they start round robin by client address, and when the queue is full a newcomer takes the place of the newest task of the address or user name holding the most places (if it holds clearly more than the newcomer\'s). The one left out is refused at once with 429 `temporarily_unavailable` and `Retry-After`, counted in one warning line per 10 s, so a login flood from one source cannot pile up memory or latency nor starve other sources. Client credentials with generated secrets never wait here.',
  }),
  rateLimits: {
    default: {},
    defaultDoc: defaultRulesDoc(),
    schema: { type: 'object', additionalProperties: { oneOf: [{ const: 'off' }, { type: 'object', properties: { limit: { type: 'integer' }, window: { type: 'integer' } } }] } },
    doc: 'Rate-limit rules set apart from their defaults, server-wide: `{"token": {"limit": 1000, "window": 10}, "login": "off"}` in the file, `token=1000/10s,login=off` in the environment and flag. `limit` requests per `window` seconds, at most `limit` at once (a token bucket, no burst at window edges). Tenants and clients may override the per-client and per-user rules ([rate-limits.md](rate-limits.md)).',
    parse: parseRuleOverrides,
  } satisfies Setting<RuleOverrides>,
  rateLimitStore: {
    ...stringSetting({
      default: 'memory',
      doc: 'Where rate-limit buckets live: `memory` (this process only) or a `redis://` / `rediss://` URL that every process and instance shares, which `--workers` and several instances need for their limits to hold together. Failed client secrets and user logins are counted in the database either way.',
    }),
    parse: parseRateLimitStore,
  } satisfies Setting<string>,
  rateLimitKeyPrefix: stringSetting({
    default: 'tessera:',
    doc: 'Prefix of Tessera\'s keys in the Redis rate-limit store, so several installations can share one Redis.',
  }),
  rateLimitFailOpen: booleanSetting({
    default: true,
    doc: 'When the Redis rate-limit store does not answer: `true` lets requests through unchecked, `false` refuses them with 503 `temporarily_unavailable`. Either way it is logged once when the store goes away and once when it is back, and `/healthz` reports it.',
  }),
  corsOrigins: {
    default: [],
    defaultDoc: 'none',
    schema: { type: 'array', items: { type: 'string' } },
    doc: "Web origins (`https://app.example.com`, or `*` for any) whose browser scripts may call every tenant's token, introspection, revocation, metadata and JWKS endpoints (CORS), besides each tenant's own `corsOrigins` (`tessera tenants update <id> --cors-origins …`). Comma-separated in the environment variable and the flag. Empty: CORS only where a tenant allows it ([security.md](security.md#browsers-and-cors)).",
    parse(value: unknown, key: string): readonly string[] {
      const items = typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter((s) => s !== '') : value;
      if (!Array.isArray(items) || items.some((item) => typeof item !== 'string')) throw new ConfigError(key, 'must be a list of web origins');
      return items.map((item: string) => {
        const origin = parseOrigin(item);
        if (origin === undefined) throw new ConfigError(key, `has ${JSON.stringify(item)}, which is not a web origin such as https://app.example.com (scheme, host and port only), or *`);
        return origin;
      });
    },
  } satisfies Setting<readonly string[]>,
  console: booleanSetting({
    default: true,
    doc: "Serve the operators' web console at `/console` ([console.md](console.md)). `false` answers 404 there. The console uses only the admin API, so turning it off removes no capability.",
  }),
} as const satisfies Record<string, Setting<unknown>>;

export type TesseraConfig = { -readonly [K in keyof typeof SETTINGS]: SettingValue<(typeof SETTINGS)[K]> };

export const DEFAULT_CONFIG: TesseraConfig = Object.fromEntries(
  Object.entries(SETTINGS).map(([key, setting]) => [key, setting.default]),
) as unknown as TesseraConfig;

/** Keys of earlier versions, and what replaced them. */
const REPLACED: Readonly<Record<string, string>> = {
  trustProxy: 'was replaced by trustedProxies: list the addresses or CIDR ranges of your proxies (for example "10.0.0.0/8" or "loopback")',
};

/** Validates a partial configuration (from a file, env or flags) merged over the defaults. */
export function validateConfig(input: Record<string, unknown>): TesseraConfig {
  for (const key of Object.keys(input)) {
    if (Object.hasOwn(REPLACED, key)) throw new ConfigError(key, REPLACED[key]!);
    if (!Object.hasOwn(SETTINGS, key)) throw new ConfigError(key, 'is not a known key');
  }
  const config: Record<string, unknown> = {};
  for (const [key, setting] of Object.entries(SETTINGS) as [string, Setting<unknown>][]) {
    const value = input[key];
    config[key] = value === undefined ? setting.default : setting.parse(value, key);
  }
  if ((config.headersTimeoutMs as number) > (config.requestTimeoutMs as number)) {
    throw new ConfigError('headersTimeoutMs', `must not exceed requestTimeoutMs (${config.requestTimeoutMs as number})`);
  }
  if ((config.tlsCert === undefined) !== (config.tlsKey === undefined)) {
    throw new ConfigError(config.tlsCert === undefined ? 'tlsCert' : 'tlsKey', `is required with ${config.tlsCert === undefined ? 'tlsKey' : 'tlsCert'}`);
  }
  return config as TesseraConfig;
}

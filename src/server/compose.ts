/**
 * The composition root: the one place that wires a store, a clock and the
 * protocol core into the services the HTTP binding and the CLI use. Embedders
 * call this too (through startServer, or alone with buildApp).
 */
import { createAdminServices, type AdminServices } from '../admin/services.ts';
import { SecretVerifier } from '../core/client-auth/client-secrets.ts';
import { systemClock, type Clock } from '../core/clock.ts';
import { Argon2id, defaultArgon2Limits } from '../core/crypto/argon2id.ts';
import { WorkLimiter, type WorkLimits } from '../core/crypto/work-limiter.ts';
import { createDiscovery } from '../core/discovery.ts';
import { createClientCredentialsGrant } from '../core/grants/client-credentials.ts';
import { createPasswordGrant } from '../core/grants/password.ts';
import { createRefreshTokenGrant } from '../core/grants/refresh-token.ts';
import { GrantRegistry } from '../core/grants/registry.ts';
import { createIntrospectionEndpoint } from '../core/introspection.ts';
import { createRevocationEndpoint } from '../core/revocation.ts';
import { RateLimiter, type RateLimiterOptions } from '../core/rate-limit/limiter.ts';
import { DEFAULT_RULE_SETTINGS, type RuleName, type RateSetting, type RuleSettings } from '../core/rate-limit/rules.ts';
import type { RateLimitStore } from '../core/ports/rate-limits.ts';
import { createTokenEndpoint } from '../core/token-endpoint.ts';
import { createAccessTokenReader } from '../core/tokens/access-token-reader.ts';
import { createJwtStrategy, signJws } from '../core/tokens/jwt.ts';
import { DEFAULT_KEY_PRE_PUBLICATION_SECONDS } from '../core/tokens/key-schedule.ts';
import { createOpaqueStrategy } from '../core/tokens/opaque.ts';
import { SigningKeys, type SigningKeysOptions } from '../core/tokens/signing-keys.ts';
import { sealingKeyStore } from '../core/tokens/sealed-keys.ts';
import type { KeyEncryption } from '../core/ports/key-encryption.ts';
import type { KeyStore } from '../core/ports/keys.ts';
import { createLocalKeyEncryption } from './key-encryption.ts';
import { randomBytes } from 'node:crypto';
import type { AppServices } from '../http/app-services.ts';
import { NO_METRICS, type MetricsRegistry } from '../runtime/metrics.ts';
import { inSpan, tracingEnabled } from '../runtime/tracing.ts';
import { eventLoopTurn } from '../runtime/turn.ts';
import { MemoryRateLimitStore } from '../store/memory/rate-limits.ts';
import type { Store } from '../store/store.ts';
import { instrumentStore } from './observability/instrument-store.ts';
import { argon2WaitObserver, registerServerGauges } from './observability/server-gauges.ts';
import { createReadiness, type ReadinessProbe } from './readiness.ts';

export interface TesseraOptions {
  store: Store;
  /** The tenant used when a request names none (no `tenant` parameter, no matching Host). */
  defaultTenantId?: string;
  clock?: Clock;
  /** Delay before a key rotated through the admin API signs; default 3600 s. */
  keyPrePublicationSeconds?: number;
  /** How signing keys are cached (how soon a rotation by another process is noticed). */
  keys?: SigningKeysOptions;
  /** Bounds on argon2 work (config `argon2Concurrency`, `argon2MaxQueued`); default one hash per core. */
  argon2?: WorkLimits;
  /**
   * Where the services record metrics (the server's Prometheus registry when
   * metrics are served); default none. With a registry, or with an
   * OpenTelemetry SDK registered at start, store calls are measured too.
   */
  metrics?: MetricsRegistry;
  /** Told of each sign-in refused (or displaced) for want of a place in the argon2 queue, with its source's share. */
  onArgon2Shed?: (share: string) => void;
  /**
   * The key-encryption key that seals private signing keys in the store
   * (key-encryption.ts resolves the installation's). Default: a random key
   * for this process alone, right for the memory store; keys a persistent
   * store holds under it cannot be read by another process.
   */
  keyEncryption?: KeyEncryption;
  /** Rate limits: where buckets live (default this process's memory), the rules set apart from their defaults, the failure mode. */
  rateLimits?: RateLimitOptions;
}

export interface RateLimitOptions extends Partial<Omit<RateLimiterOptions, 'store'>> {
  store?: RateLimitStore;
  rules?: Partial<Record<RuleName, RateSetting>>;
}

/** A wired Tessera: what the HTTP binding serves, what the CLI manages, and what tests look into. */
export interface Tessera {
  store: Store;
  clock: Clock;
  defaultTenantId: string;
  keys: SigningKeys;
  /** The process's one bounded argon2id (logins, chosen client secrets, hashing by the admin services). */
  argon2: Argon2id;
  grants: GrantRegistry;
  /** The rate limiter over the configured store, and every rule's server-wide setting. */
  rateLimiter: RateLimiter;
  rateLimitRules: RuleSettings;
  /** Everything the HTTP binding is given. */
  services: AppServices;
  admin: AdminServices;
  metrics: MetricsRegistry;
  /** Readiness (`/health/ready`); the server marks the keys loaded once start-up has loaded them. */
  readiness: ReadinessProbe;
  /** The key-encryption key sealing private signing keys, and the key port as stored (halves sealed), for `tessera keys rewrap`. */
  keyEncryption: { kek: KeyEncryption; stored: KeyStore };
}

export function createTessera(options: TesseraOptions): Tessera {
  const clock = options.clock ?? systemClock;
  const defaultTenantId = options.defaultTenantId ?? 'default';
  const metrics = options.metrics ?? NO_METRICS;
  const kek = options.keyEncryption ?? createLocalKeyEncryption(randomBytes(32));
  const store = withSealedKeys(metrics.enabled || tracingEnabled() ? instrumentStore(options.store, metrics) : options.store, kek);
  const argon2 = new Argon2id(new WorkLimiter('argon2', options.argon2 ?? defaultArgon2Limits(), { onShed: options.onArgon2Shed, onStart: argon2WaitObserver(metrics) }));
  const limits = options.rateLimits ?? {};
  const rateLimitRules: RuleSettings = { ...DEFAULT_RULE_SETTINGS, ...limits.rules };
  const rateLimiter = new RateLimiter({
    store: limits.store ?? new MemoryRateLimitStore({ clock }),
    failOpen: limits.failOpen ?? true,
    onStoreChange: limits.onStoreChange,
    onRefused: limits.onRefused,
  });
  const keys = new SigningKeys(store.keys, clock, options.keys);
  const secrets = new SecretVerifier(argon2);
  const grants = new GrantRegistry([
    createClientCredentialsGrant(),
    createPasswordGrant({ users: store.users, lockouts: store.lockouts, argon2 }),
    createRefreshTokenGrant({ tokens: store.tokens, users: store.users }),
  ]);
  const tokenEndpoint = createTokenEndpoint({
    tenants: store.tenants,
    clients: store.clients,
    secrets,
    grants,
    strategies: { opaque: createOpaqueStrategy(store.tokens), jwt: createJwtStrategy({ keys, tokens: store.tokens, sign: (payload, header, key) => inSpan('sign JWT', { 'tessera.jwt.alg': header.alg, 'tessera.jwt.kid': header.kid ?? '' }, () => eventLoopTurn.run('sign', () => signJws(payload, header, key))) }) },
    tokens: store.tokens,
    clientLockouts: store.clientLockouts,
    defaultTenantId,
    clock,
  });
  const tokenDeps = { tenants: store.tenants, clients: store.clients, users: store.users, clientLockouts: store.clientLockouts, secrets, clock, defaultTenantId, tokens: store.tokens, keys };
  const admin = createAdminServices({
    storage: store,
    clock,
    argon2,
    keyPrePublicationSeconds: options.keyPrePublicationSeconds ?? DEFAULT_KEY_PRE_PUBLICATION_SECONDS,
    forgetKeys: (tenantId) => keys.forget(tenantId),
    rateLimits: { limiter: rateLimiter, rules: rateLimitRules },
  });
  const services: AppServices = {
    tokenEndpoint,
    introspectionEndpoint: createIntrospectionEndpoint(tokenDeps),
    revocationEndpoint: createRevocationEndpoint(tokenDeps),
    discovery: createDiscovery({ tenants: store.tenants, keys, defaultTenantId, grantTypes: grants.grantTypes() }),
    readAccessToken: createAccessTokenReader(tokenDeps),
    admin,
    defaultTenantId,
    health: { store: store.kind, ping: () => store.ping(), ready: () => readiness.check(), rateLimitStore: () => rateLimiter.stats().store },
    abuseProtection: () => ({ rateLimits: rateLimiter.stats(), argon2: argon2.limiter.stats() }),
  };
  const readiness = createReadiness(store);
  if (metrics.enabled) registerServerGauges(metrics, { argon2: argon2.limiter, keys, store, clock });
  return { store, clock, defaultTenantId, keys, argon2, grants, rateLimiter, rateLimitRules, services, admin, metrics, readiness, keyEncryption: { kek, stored: options.store.keys } };
}

/** `store` with its key port sealing private halves on the way in and unsealing them on the way out (sealed-keys.ts). */
function withSealedKeys(store: Store, kek: KeyEncryption): Store {
  // Object.create keeps the store's own members (kind, ping, close, a SQLite store's checkpointer) reachable.
  return Object.assign(Object.create(store) as Store, { keys: sealingKeyStore(store.keys, kek) });
}

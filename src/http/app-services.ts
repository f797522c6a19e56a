/**
 * What the HTTP binding is given: the protocol endpoints and services it
 * serves, each as narrow as its routes need. The server's composition root
 * (src/server/compose.ts) builds them; http/ never opens a store or reads one.
 */
import type { AdminServices } from '../admin/services.ts';
import type { Discovery } from '../core/discovery.ts';
import type { IntrospectionEndpoint } from '../core/introspection.ts';
import type { RevocationEndpoint } from '../core/revocation.ts';
import type { TokenEndpoint } from '../core/token-endpoint.ts';
import type { AccessTokenReader } from '../core/tokens/access-token-reader.ts';
import type { RateLimiterStats } from '../core/rate-limit/limiter.ts';
import type { WorkLimiter } from '../core/crypto/work-limiter.ts';

/** The parts readiness checks, each `ok` or why not. */
export interface Readiness {
  ready: boolean;
  /** By part (`store`, `migrations`, `keys`): `ok`, or a short reason it is not. */
  checks: Readonly<Record<string, string>>;
}

/** Whether the service can answer, and what it runs on (for `/healthz` and `/health/ready`). */
export interface HealthCheck {
  /** A short name of the store for the answer (`sqlite`, `postgres`). */
  store: string;
  /** Resolves when the database answers; rejects when it does not. */
  ping(): Promise<void>;
  /** Whether the rate-limit store answers (the limiter learns it from its own checks), and what happens when it does not. */
  rateLimitStore?(): { kind: string; available: boolean; failOpen: boolean };
  /** Whether this process can serve: its store reachable, its schema current, its signing keys loaded. */
  ready(): Promise<Readiness>;
}

export interface AppServices {
  tokenEndpoint: TokenEndpoint;
  introspectionEndpoint: IntrospectionEndpoint;
  revocationEndpoint: RevocationEndpoint;
  discovery: Discovery;
  /** Reads back an access token this Tessera issued (the admin API's Bearer tokens). */
  readAccessToken: AccessTokenReader;
  admin: AdminServices;
  /** The tenant whose `admin` scope administers every tenant. */
  defaultTenantId: string;
  health: HealthCheck;
  /** The abuse protections' counters, for metrics: refusals per rate-limit rule, the store's state, the argon2 queue. */
  abuseProtection(): AbuseProtectionStats;
}

export interface AbuseProtectionStats {
  /** This process's refusals per rule, checks passed unchecked (fail open), and whether the store answers. */
  rateLimits: RateLimiterStats;
  /** argon2 work: running, waiting, done, dropped (caller gone) and shed (no place in its share) since start. */
  argon2: ReturnType<WorkLimiter['stats']>;
}

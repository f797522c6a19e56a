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
}

/**
 * A store: every storage port the core owns (core/ports), implemented over
 * one database, plus its lifecycle. Every adapter (memory, sqlite, postgres)
 * passes the one contract suite in test/store/contract.ts.
 */
import type { AccessNumberStore } from '../core/ports/access-numbers.ts';
import type { ActivityStore } from '../core/ports/activity.ts';
import type { AuditStore } from '../core/ports/audit.ts';
import type { ClientStore } from '../core/ports/clients.ts';
import type { KeyStore } from '../core/ports/keys.ts';
import type { LockoutStore } from '../core/ports/lockouts.ts';
import type { TenantStore } from '../core/ports/tenants.ts';
import type { TokenStore } from '../core/ports/tokens.ts';
import type { UserStore } from '../core/ports/users.ts';

/** What the database behind a store can tell about itself, for metrics; each only where it applies. */
export interface StoreStats {
  /** SQLite: bytes in the write-ahead log not yet checkpointed into the database file. */
  walBytes?: number;
  /** PostgreSQL: connections the pool holds, those idle, and queries waiting for one. */
  poolTotal?: number;
  poolIdle?: number;
  poolWaiting?: number;
}

export interface Store {
  /** A short name for logs: `memory`, `sqlite`, `postgres`. */
  readonly kind: string;
  readonly tenants: TenantStore;
  readonly clients: ClientStore;
  readonly users: UserStore;
  /** Users' failed passwords and locks. */
  readonly lockouts: LockoutStore;
  /** Failed secrets and locks of clients with operator-chosen secrets. */
  readonly clientLockouts: LockoutStore;
  readonly tokens: TokenStore;
  readonly keys: KeyStore;
  readonly accessNumbers: AccessNumberStore;
  readonly audit: AuditStore;
  readonly activity: ActivityStore;
  /** Answers when the database is reachable (for readiness checks). */
  ping(): Promise<void>;
  /**
   * The schema version the database records and the one this build migrates
   * to; they differ once another process migrated the database further, or
   * when a migration has not run. The memory store has no schema: 0 and 0.
   */
  schemaStatus(): Promise<{ version: number; latest: number }>;
  /** Gauges of the database (metrics); absent when the store has none. */
  stats?(): StoreStats;
  close(): Promise<void>;
}

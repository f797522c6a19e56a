/**
 * A store: every storage port the core owns (core/ports), implemented over
 * one database, plus its lifecycle. Every adapter (memory, sqlite, postgres)
 * passes the one contract suite in test/store/contract.ts.
 */
import type { AccessNumberStore } from '../core/ports/access-numbers.ts';
import type { AuditStore } from '../core/ports/audit.ts';
import type { ClientStore } from '../core/ports/clients.ts';
import type { KeyStore } from '../core/ports/keys.ts';
import type { LockoutStore } from '../core/ports/lockouts.ts';
import type { TenantStore } from '../core/ports/tenants.ts';
import type { TokenStore } from '../core/ports/tokens.ts';
import type { UserStore } from '../core/ports/users.ts';

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
  /** Answers when the database is reachable (for readiness checks). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Narrow storage interfaces, one per concern, so each grant handler receives
 * only what it needs (fosite's handler/oauth2/storage.go does the same).
 * A {@link Store} is the set of them over one database. Every adapter
 * (memory, sqlite, postgres) passes the one contract suite in
 * test/store/contract.ts.
 */
import type { AccessNumber, AuditEntry, Client, LockState, SigningAlgorithm, SigningKey, Tenant, TokenRecord, User } from '../core/model.ts';

/** One page of a list: 0-based offset, at most `limit` items, optionally only items carrying one of `accounts`. */
export interface PageQuery {
  offset: number;
  limit: number;
  /** Seed 000's `?account=20000,20001`: keep items that carry at least one of these. */
  accounts?: readonly string[];
}

export interface Page<T> {
  items: T[];
  /** Items matching the query across all pages. */
  total: number;
}

/**
 * The tenant and client getters return an object of the caller's own whose
 * fields it may reassign, with arrays and nested objects frozen (see
 * read-only-fields.ts).
 */
export interface TenantStore {
  getTenant(id: string): Promise<Tenant | undefined>;
  /** The tenant whose `hosts` contains this host name (lowercase, no port). */
  findTenantByHost(host: string): Promise<Tenant | undefined>;
  /** @throws StoreConflictError when the id, or one of its hosts, exists. */
  createTenant(tenant: Tenant): Promise<void>;
  listTenants(): Promise<Tenant[]>;
  /** Replaces a tenant's settings and hosts (everything but `id` and `createdAt`); false when it does not exist. @throws StoreConflictError for a host another tenant owns. */
  updateTenant(tenant: Tenant): Promise<boolean>;
}

export interface ClientStore {
  getClient(tenantId: string, clientId: string): Promise<Client | undefined>;
  /** @throws StoreConflictError when the (tenant, id) pair exists. */
  createClient(client: Client): Promise<void>;
  /** Replaces the stored client; returns false when it does not exist. */
  updateClient(client: Client): Promise<boolean>;
  /** Returns false when it did not exist. */
  deleteClient(tenantId: string, clientId: string): Promise<boolean>;
  listClients(tenantId: string): Promise<Client[]>;
  /** A page of a tenant's clients ordered by id. */
  pageClients(tenantId: string, query: PageQuery): Promise<Page<Client>>;
}

export interface UserStore {
  getUser(tenantId: string, userId: string): Promise<User | undefined>;
  /** Looks a user up by username, already normalised (see normalizeUsername). */
  findUserByUsername(tenantId: string, username: string): Promise<User | undefined>;
  /** @throws StoreConflictError when the id or the username exists in the tenant. */
  createUser(user: User): Promise<void>;
  /**
   * Replaces the stored user; returns false when it does not exist.
   * @throws StoreConflictError when the new username belongs to another user.
   */
  updateUser(user: User): Promise<boolean>;
  /** Deletes the user and its lock state; returns false when it did not exist. */
  deleteUser(tenantId: string, userId: string): Promise<boolean>;
  /** A page of a tenant's users, ordered by username, optionally only those carrying one of `query.accounts`. */
  pageUsers(tenantId: string, query: PageQuery): Promise<Page<User>>;
  /** Every user of a tenant, ordered by username, read lazily in batches so exports run in constant memory. */
  iterateUsers(tenantId: string): AsyncIterable<User>;
}

/**
 * Brute-force records. Counting happens in the store, one atomic statement
 * per failure, so every process on one database sees the same count.
 */
export interface LockoutStore {
  /** The user's record; all zero/null when none exists. */
  getLockState(tenantId: string, userId: string): Promise<LockState>;
  /**
   * Atomically counts one failed password: the count restarts at 1 when the
   * previous failure is older than `countSince` (ms), otherwise it goes up by
   * one. Records `at` and `address` as the last failure. Returns the record
   * after the increment; each concurrent caller sees a different count.
   */
  recordFailure(tenantId: string, userId: string, failure: { at: number; address: string | null; countSince: number }): Promise<LockState>;
  /** Locks the user until `until` (ms), never shortening a lock already longer. */
  lockUntil(tenantId: string, userId: string, until: number): Promise<void>;
  /** Sets the count to 0 and lifts any lock (a successful login, an operator's unlock). The last failure stays on record. */
  clearFailures(tenantId: string, userId: string): Promise<void>;
}

/** What happened when a refresh token was presented for rotation. */
export type RefreshTokenUse =
  /** It was live and is now used (revoked, with the time of use recorded). */
  | { outcome: 'consumed'; record: TokenRecord }
  /** It had been used already, at `usedAt` (ms). */
  | { outcome: 'reused'; record: TokenRecord; usedAt: number }
  /** It had been revoked for another reason (family, single active token, revocation). */
  | { outcome: 'revoked'; record: TokenRecord }
  | { outcome: 'unknown' };

export interface TokenStore {
  /** Persists an opaque token's record; the expiry travels with it. */
  saveToken(record: TokenRecord): Promise<void>;
  findToken(hash: string): Promise<TokenRecord | undefined>;
  /** Marks one token revoked at `at` (ms); false when unknown or already revoked. */
  revokeToken(hash: string, at: number): Promise<boolean>;
  /** Revokes every unrevoked token of a family; returns how many. */
  revokeFamily(familyId: string, at: number): Promise<number>;
  /**
   * Revokes every unrevoked token a client holds for a subject (the
   * single-active-token policy of seed 003), except those of
   * `exceptFamilyId` (the login being answered) and the client's own
   * client-credentials tokens (no user, subject = the client id), which no
   * login is; returns how many.
   */
  revokeSubjectTokens(tenantId: string, clientId: string, subject: string, at: number, exceptFamilyId?: string): Promise<number>;
  /** Revokes every unrevoked token issued to a user (any client); returns how many. */
  revokeUserTokens(tenantId: string, userId: string, at: number): Promise<number>;
  /**
   * The single-use step of refresh token rotation, atomic: marks a live
   * refresh token used (revoked at `at`) and reports it consumed exactly
   * once, however many requests present it at the same moment.
   */
  consumeRefreshToken(hash: string, at: number): Promise<RefreshTokenUse>;
  /**
   * Deletes at most `limit` tokens whose expiry is before `before` (ms),
   * earliest first, and returns how many. The bound keeps each delete short,
   * so a purge never holds the database long enough to delay issuance; the
   * caller repeats it until fewer than `limit` come back.
   * @see ./token-purger.ts
   */
  purgeExpired(before: number, limit: number): Promise<number>;
}

export interface KeyStore {
  /** A tenant's keys (every algorithm, retired ones until deleted), oldest first. */
  listKeys(tenantId: string): Promise<SigningKey[]>;
  /**
   * Inserts `key` unless its tenant already has a key of `key.alg` with
   * `key.generation`, atomically: processes that generate a first key, or
   * operators that rotate, at the same moment agree on one key per
   * generation. Returns the key stored for that generation afterwards (the
   * given one or the one that won).
   */
  insertKeyGeneration(key: SigningKey): Promise<SigningKey>;
  /**
   * Sets `retiresAt` on the tenant's keys of `alg` older than `belowGeneration`
   * that have none yet (a retirement once scheduled is kept); returns how many.
   */
  retireKeys(tenantId: string, alg: SigningAlgorithm, belowGeneration: number, retiresAt: number): Promise<number>;
  /** Deletes the tenant's keys whose `retiresAt` is at or before `at` (their private halves go with them); returns how many. */
  deleteRetiredKeys(tenantId: string, at: number): Promise<number>;
}

export interface AccessNumberStore {
  /** @throws StoreConflictError when the tenant already has this number. */
  createAccessNumber(entry: AccessNumber): Promise<void>;
  deleteAccessNumber(tenantId: string, id: string): Promise<boolean>;
  /** A page ordered by number. */
  pageAccessNumbers(tenantId: string, query: PageQuery): Promise<Page<AccessNumber>>;
  /** Every access number of a tenant, ordered by number, read lazily so exports run in constant memory. */
  iterateAccessNumbers(tenantId: string): AsyncIterable<AccessNumber>;
}

/** Which audit entries to list; every member given must match (all are optional). */
export interface AuditFilter {
  /** Exact action (`user.unlock`). */
  action?: string;
  /** Actions starting with this (`user.` for every user change). */
  actionPrefix?: string;
  /** Exact actor (`client:default/admin`, `cli:root`). */
  actor?: string;
  /** Exact target id. */
  target?: string;
  /** Entries at or after this time (ms). */
  from?: number;
  /** Entries before this time (ms). */
  to?: number;
}

export interface AuditStore {
  appendAudit(entry: AuditEntry): Promise<void>;
  /** Newest first; `tenantId` undefined lists every tenant's entries; `filter` keeps only matching entries (and `total` counts those). */
  pageAudit(tenantId: string | undefined, query: PageQuery, filter?: AuditFilter): Promise<Page<AuditEntry>>;
}

/** All concerns over one database, plus its lifecycle. */
export interface Store {
  /** A short name for logs: `memory`, `sqlite`, `postgres`. */
  readonly kind: string;
  readonly tenants: TenantStore;
  readonly clients: ClientStore;
  readonly users: UserStore;
  readonly lockouts: LockoutStore;
  readonly tokens: TokenStore;
  readonly keys: KeyStore;
  readonly accessNumbers: AccessNumberStore;
  readonly audit: AuditStore;
  /** Answers when the database is reachable (for readiness checks). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

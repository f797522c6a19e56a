/** Storage of users (the password grant's resource owners). */
import type { AuditEntry, User } from '../model.ts';
import type { Page, PageQuery } from './paging.ts';

/** What logins and refreshes read. */
export interface UserReader {
  getUser(tenantId: string, userId: string): Promise<Readonly<User> | undefined>;
  /** Looks a user up by the normal form of a username (see normalizeUsername); the user's own `username` is as created. */
  findUserByUsername(tenantId: string, username: string): Promise<Readonly<User> | undefined>;
}

/**
 * The writes are management's, each audited: `audit` is appended to the audit
 * chain (ports/audit.ts) in the same transaction as the change; a write that
 * stores nothing (a conflict, a user that does not exist) appends nothing.
 */
export interface UserStore extends UserReader {
  /** @throws StoreConflictError when the id, or the username in any letter case, exists in the tenant. */
  createUser(user: User, audit: AuditEntry): Promise<void>;
  /**
   * Replaces the stored user; returns false when it does not exist.
   * @throws StoreConflictError when the new username belongs to another user.
   */
  updateUser(user: User, audit: AuditEntry): Promise<boolean>;
  /** Deletes the user and its lock state; returns false when it did not exist. */
  deleteUser(tenantId: string, userId: string, audit: AuditEntry): Promise<boolean>;
  /** A page of a tenant's users, ordered by the normal form of their usernames, optionally only those carrying one of `query.accounts`. */
  pageUsers(tenantId: string, query: PageQuery): Promise<Page<Readonly<User>>>;
  /** Every user of a tenant, in the same order, read lazily in batches so exports run in constant memory. */
  iterateUsers(tenantId: string): AsyncIterable<Readonly<User>>;
}

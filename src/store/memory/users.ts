import type { AuditEntry, User } from '../../core/model.ts';
import type { MemoryAuditStore } from './audit.ts';
import { StoreConflictError } from '../../core/ports/errors.ts';
import type { Page, PageQuery } from '../../core/ports/paging.ts';
import type { UserStore } from '../../core/ports/users.ts';
import { normalizeUsername } from '../../core/users/usernames.ts';
import { pageOf } from './paging.ts';
import { copy, frozenCopy } from './copy.ts';

const key = (tenantId: string, id: string) => `${tenantId}\u0000${id}`;

export class MemoryUserStore implements UserStore {
  readonly #users = new Map<string, User>();
  /** Called when a user is deleted, so its lock state goes with it (as the SQL foreign key cascades). */
  readonly #onDelete: (tenantId: string, userId: string) => void;
  /** Where each write's entry is appended, in the same synchronous step as the write. */
  readonly #audit: MemoryAuditStore;

  constructor(audit: MemoryAuditStore, onDelete: (tenantId: string, userId: string) => void = () => {}) {
    this.#audit = audit;
    this.#onDelete = onDelete;
  }

  async getUser(tenantId: string, userId: string): Promise<User | undefined> {
    const user = this.#users.get(key(tenantId, userId));
    return user && frozenCopy(user);
  }

  async findUserByUsername(tenantId: string, username: string): Promise<User | undefined> {
    const user = this.#byUsername(tenantId, username);
    return user && frozenCopy(user);
  }

  async createUser(user: User, audit: AuditEntry): Promise<void> {
    if (this.#users.has(key(user.tenantId, user.id))) throw new StoreConflictError(`user '${user.id}'`);
    if (this.#byUsername(user.tenantId, normalizeUsername(user.username))) throw new StoreConflictError(`username '${user.username}'`);
    this.#users.set(key(user.tenantId, user.id), copy(user));
    this.#audit.append(audit);
  }

  async updateUser(user: User, audit: AuditEntry): Promise<boolean> {
    const k = key(user.tenantId, user.id);
    if (!this.#users.has(k)) return false;
    const holder = this.#byUsername(user.tenantId, normalizeUsername(user.username));
    if (holder !== undefined && holder.id !== user.id) throw new StoreConflictError(`username '${user.username}'`);
    this.#users.set(k, copy(user));
    this.#audit.append(audit);
    return true;
  }

  async deleteUser(tenantId: string, userId: string, audit: AuditEntry): Promise<boolean> {
    const deleted = this.#users.delete(key(tenantId, userId));
    if (deleted) {
      this.#onDelete(tenantId, userId);
      this.#audit.append(audit);
    }
    return deleted;
  }

  async pageUsers(tenantId: string, query: PageQuery): Promise<Page<User>> {
    return pageOf(this.#ordered(tenantId), query, (u) => u.accounts);
  }

  async *iterateUsers(tenantId: string): AsyncIterable<User> {
    for (const user of this.#ordered(tenantId)) yield frozenCopy(user);
  }

  #ordered(tenantId: string): User[] {
    return [...this.#users.values()]
      .filter((u) => u.tenantId === tenantId)
      .map((u) => [normalizeUsername(u.username), u] as const)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, u]) => u);
  }

  /** The user whose name has the normal form `key`. */
  #byUsername(tenantId: string, key: string): User | undefined {
    for (const user of this.#users.values()) if (user.tenantId === tenantId && normalizeUsername(user.username) === key) return user;
    return undefined;
  }
}

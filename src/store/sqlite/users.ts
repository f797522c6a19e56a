import type { DatabaseSync } from 'node:sqlite';
import type { AuditEntry, User } from '../../core/model.ts';
import type { SqliteAuditChain } from './audit.ts';
import type { Page, PageQuery } from '../../core/ports/paging.ts';
import type { UserStore } from '../../core/ports/users.ts';
import { normalizeUsername } from '../../core/users/usernames.ts';
import { accountFilter, inTransaction, insertOrConflict } from './database.ts';

/** Rows read per query while iterating. */
const BATCH = 500;
import { mapRow, type Row } from './rows.ts';

export class SqliteUserStore implements UserStore {
  readonly #db: DatabaseSync;
  readonly #audit: SqliteAuditChain;
  readonly #get;
  readonly #byUsername;
  readonly #insert;
  readonly #update;
  readonly #delete;
  readonly #page;
  readonly #count;
  readonly #after;

  /** @param audit appends each write's entry in the write's transaction */
  constructor(db: DatabaseSync, audit: SqliteAuditChain) {
    this.#db = db;
    this.#audit = audit;
    this.#get = db.prepare('SELECT * FROM users WHERE tenant_id = ? AND id = ?');
    this.#byUsername = db.prepare('SELECT * FROM users WHERE tenant_id = ? AND username = ?');
    // `username` is the normal form (unique, looked up, ordered by); `username_given` the name as created.
    this.#insert = db.prepare(`INSERT INTO users (tenant_id, id, username, username_given, password_hash, role, phone_numbers, accounts,
      attributes, enabled, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.#update = db.prepare(`UPDATE users SET username = ?, username_given = ?, password_hash = ?, role = ?, phone_numbers = ?, accounts = ?,
      attributes = ?, enabled = ?, updated_at = ? WHERE tenant_id = ? AND id = ?`);
    // The lock state row goes with it (ON DELETE CASCADE).
    this.#delete = db.prepare('DELETE FROM users WHERE tenant_id = ? AND id = ?');
    const where = `WHERE tenant_id = ? AND ${accountFilter('users.accounts')}`;
    this.#page = db.prepare(`SELECT * FROM users ${where} ORDER BY username LIMIT ? OFFSET ?`);
    this.#count = db.prepare(`SELECT COUNT(*) AS n FROM users ${where}`);
    this.#after = db.prepare(`SELECT * FROM users WHERE tenant_id = ? AND username > ? ORDER BY username LIMIT ${BATCH}`);
  }

  async getUser(tenantId: string, userId: string): Promise<User | undefined> {
    const row = this.#get.get(tenantId, userId) as Row | undefined;
    return row && mapRow.user(row);
  }

  async findUserByUsername(tenantId: string, username: string): Promise<User | undefined> {
    const row = this.#byUsername.get(tenantId, username) as Row | undefined;
    return row && mapRow.user(row);
  }

  async createUser(u: User, audit: AuditEntry): Promise<void> {
    inTransaction(this.#db, () => {
      insertOrConflict(`user '${u.username}'`, () =>
        this.#insert.run(
          u.tenantId, u.id, normalizeUsername(u.username), u.username, u.passwordHash, u.role, JSON.stringify(u.phoneNumbers),
          JSON.stringify(u.accounts), JSON.stringify(u.attributes), u.enabled ? 1 : 0, u.createdAt, u.updatedAt,
        ),
      );
      this.#audit.append(audit);
    });
  }

  async updateUser(u: User, audit: AuditEntry): Promise<boolean> {
    return inTransaction(this.#db, () => {
      let changes = 0;
      insertOrConflict(`username '${u.username}'`, () => {
        changes = Number(
          this.#update.run(
            normalizeUsername(u.username), u.username, u.passwordHash, u.role, JSON.stringify(u.phoneNumbers), JSON.stringify(u.accounts),
            JSON.stringify(u.attributes), u.enabled ? 1 : 0, u.updatedAt, u.tenantId, u.id,
          ).changes,
        );
      });
      if (changes === 0) return false;
      this.#audit.append(audit);
      return true;
    });
  }

  async deleteUser(tenantId: string, userId: string, audit: AuditEntry): Promise<boolean> {
    return inTransaction(this.#db, () => {
      if (this.#delete.run(tenantId, userId).changes === 0) return false;
      this.#audit.append(audit);
      return true;
    });
  }

  async pageUsers(tenantId: string, query: PageQuery): Promise<Page<User>> {
    const accounts = query.accounts?.length ? JSON.stringify(query.accounts) : null;
    const items = (this.#page.all(tenantId, accounts, accounts, query.limit, query.offset) as Row[]).map(mapRow.user);
    return { items, total: Number((this.#count.get(tenantId, accounts, accounts) as { n: number }).n) };
  }

  async *iterateUsers(tenantId: string): AsyncIterable<User> {
    // Keyset batches: no statement (and no read transaction) stays open while the consumer is slow.
    let last = '';
    for (;;) {
      const rows = this.#after.all(tenantId, last) as Row[];
      for (const row of rows) yield mapRow.user(row);
      if (rows.length < BATCH) return;
      last = rows[rows.length - 1]!.username as string;
    }
  }
}

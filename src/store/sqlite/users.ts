import type { DatabaseSync } from 'node:sqlite';
import type { User } from '../../core/model.ts';
import type { UserStore } from '../types.ts';
import { insertOrConflict } from './database.ts';
import { rowToUser, type Row } from './rows.ts';

export class SqliteUserStore implements UserStore {
  readonly #get;
  readonly #byUsername;
  readonly #insert;
  readonly #update;
  readonly #delete;
  readonly #list;

  constructor(db: DatabaseSync) {
    this.#get = db.prepare('SELECT * FROM users WHERE tenant_id = ? AND id = ?');
    this.#byUsername = db.prepare('SELECT * FROM users WHERE tenant_id = ? AND username = ?');
    this.#insert = db.prepare(`INSERT INTO users (tenant_id, id, username, password_hash, role, phone_numbers, accounts, enabled,
      created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.#update = db.prepare(`UPDATE users SET username = ?, password_hash = ?, role = ?, phone_numbers = ?, accounts = ?, enabled = ?,
      updated_at = ? WHERE tenant_id = ? AND id = ?`);
    // The lock state row goes with it (ON DELETE CASCADE).
    this.#delete = db.prepare('DELETE FROM users WHERE tenant_id = ? AND id = ?');
    this.#list = db.prepare('SELECT * FROM users WHERE tenant_id = ? ORDER BY username LIMIT ? OFFSET ?');
  }

  async getUser(tenantId: string, userId: string): Promise<User | undefined> {
    const row = this.#get.get(tenantId, userId) as Row | undefined;
    return row && rowToUser(row);
  }

  async findUserByUsername(tenantId: string, username: string): Promise<User | undefined> {
    const row = this.#byUsername.get(tenantId, username) as Row | undefined;
    return row && rowToUser(row);
  }

  async createUser(u: User): Promise<void> {
    insertOrConflict(`user '${u.username}'`, () =>
      this.#insert.run(
        u.tenantId, u.id, u.username, u.passwordHash, u.role, JSON.stringify(u.phoneNumbers), JSON.stringify(u.accounts),
        u.enabled ? 1 : 0, u.createdAt, u.updatedAt,
      ),
    );
  }

  async updateUser(u: User): Promise<boolean> {
    let changes = 0;
    insertOrConflict(`username '${u.username}'`, () => {
      changes = Number(
        this.#update.run(
          u.username, u.passwordHash, u.role, JSON.stringify(u.phoneNumbers), JSON.stringify(u.accounts), u.enabled ? 1 : 0, u.updatedAt,
          u.tenantId, u.id,
        ).changes,
      );
    });
    return changes > 0;
  }

  async deleteUser(tenantId: string, userId: string): Promise<boolean> {
    return this.#delete.run(tenantId, userId).changes > 0;
  }

  async listUsers(tenantId: string, page: { offset?: number; limit?: number } = {}): Promise<User[]> {
    // LIMIT -1 is SQLite for "no limit".
    return (this.#list.all(tenantId, page.limit ?? -1, page.offset ?? 0) as Row[]).map(rowToUser);
  }
}

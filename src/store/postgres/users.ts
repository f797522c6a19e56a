import type { AuditEntry, User } from '../../core/model.ts';
import { appendAuditIn } from './audit.ts';
import type { Page, PageQuery } from '../../core/ports/paging.ts';
import type { UserStore } from '../../core/ports/users.ts';
import { normalizeUsername } from '../../core/users/usernames.ts';
import { insertOrConflict, statement, type PostgresDatabase } from './database.ts';
import { mapRow, USER_COLUMNS, type Row } from './rows.ts';

const GET = statement('users.get', `SELECT ${USER_COLUMNS} FROM users WHERE tenant_id = $1 AND id = $2`);
const BY_USERNAME = statement('users.by-username', `SELECT ${USER_COLUMNS} FROM users WHERE tenant_id = $1 AND username = $2`);
// `username` is the normal form (unique, looked up, ordered by); `username_given` the name as created.
const INSERT = statement('users.insert', `INSERT INTO users (${USER_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`);
const UPDATE = statement('users.update', `UPDATE users SET username = $3, username_given = $4, password_hash = $5, role = $6, phone_numbers = $7,
  accounts = $8, attributes = $9, enabled = $10, updated_at = $11 WHERE tenant_id = $1 AND id = $2`);
// The lock state row goes with it (ON DELETE CASCADE).
const DELETE = statement('users.delete', 'DELETE FROM users WHERE tenant_id = $1 AND id = $2');
// $2: NULL, or account numbers of which a user must carry at least one (&& is array overlap).
const PAGE = statement('users.page', `SELECT ${USER_COLUMNS} FROM users
  WHERE tenant_id = $1 AND ($2::text[] IS NULL OR accounts && $2::text[]) ORDER BY username LIMIT $3 OFFSET $4`);
const COUNT = statement('users.count', 'SELECT count(*) AS total FROM users WHERE tenant_id = $1 AND ($2::text[] IS NULL OR accounts && $2::text[])');
/** Rows per query while iterating: bounded memory, no cursor held between batches. */
const BATCH = 500;
const AFTER = statement('users.after', `SELECT ${USER_COLUMNS} FROM users WHERE tenant_id = $1 AND username > $2 ORDER BY username LIMIT ${BATCH}`);

export class PostgresUserStore implements UserStore {
  readonly #db: PostgresDatabase;

  constructor(db: PostgresDatabase) {
    this.#db = db;
  }

  async getUser(tenantId: string, userId: string): Promise<User | undefined> {
    const row = (await this.#db.query<Row>(GET, [tenantId, userId])).rows[0];
    return row && mapRow.user(row);
  }

  async findUserByUsername(tenantId: string, username: string): Promise<User | undefined> {
    const row = (await this.#db.query<Row>(BY_USERNAME, [tenantId, username])).rows[0];
    return row && mapRow.user(row);
  }

  async createUser(u: User, audit: AuditEntry): Promise<void> {
    await this.#db.transaction(async (tx) => {
      await insertOrConflict(tx, `user '${u.username}'`, INSERT, [
        u.tenantId, u.id, normalizeUsername(u.username), u.username, u.passwordHash, u.role, u.phoneNumbers, u.accounts, JSON.stringify(u.attributes), u.enabled, u.createdAt, u.updatedAt,
      ]);
      await appendAuditIn(tx, audit);
    });
  }

  async updateUser(u: User, audit: AuditEntry): Promise<boolean> {
    return this.#db.transaction(async (tx) => {
      const result = await insertOrConflict(tx, `username '${u.username}'`, UPDATE, [
        u.tenantId, u.id, normalizeUsername(u.username), u.username, u.passwordHash, u.role, u.phoneNumbers, u.accounts, JSON.stringify(u.attributes), u.enabled, u.updatedAt,
      ]);
      if ((result.rowCount ?? 0) === 0) return false;
      await appendAuditIn(tx, audit);
      return true;
    });
  }

  async deleteUser(tenantId: string, userId: string, audit: AuditEntry): Promise<boolean> {
    return this.#db.transaction(async (tx) => {
      if (((await tx.query(DELETE, [tenantId, userId])).rowCount ?? 0) === 0) return false;
      await appendAuditIn(tx, audit);
      return true;
    });
  }

  async pageUsers(tenantId: string, query: PageQuery): Promise<Page<User>> {
    const accounts = query.accounts?.length ? [...query.accounts] : null;
    const [rows, count] = await Promise.all([
      this.#db.query<Row>(PAGE, [tenantId, accounts, query.limit, query.offset]),
      this.#db.query<Row>(COUNT, [tenantId, accounts]),
    ]);
    return { items: rows.rows.map(mapRow.user), total: Number(count.rows[0]!.total) };
  }

  async *iterateUsers(tenantId: string): AsyncIterable<User> {
    let last = '';
    for (;;) {
      const rows = (await this.#db.query<Row>(AFTER, [tenantId, last])).rows;
      for (const row of rows) yield mapRow.user(row);
      if (rows.length < BATCH) return;
      last = rows[rows.length - 1]!.username as string;
    }
  }
}

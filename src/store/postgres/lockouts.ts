import type { AuditEntry, LockState } from '../../core/model.ts';
import { appendAuditIn } from './audit.ts';
import { reserveAttempt, type AttemptReservation, type ReservedAttempt } from '../../core/login-policy.ts';
import type { LockoutStore } from '../../core/ports/lockouts.ts';
import { statement, type PostgresDatabase } from './database.ts';
import { mapRow, type Row } from './rows.ts';

const COLUMNS = 'failed_count, locked_until, last_failure_at, last_failure_address';

/** The two lockout tables: users' and clients' (with chosen secrets), keyed by tenant and subject. */
export type LockoutTable = { table: 'user_lockouts'; subject: 'user_id' } | { table: 'client_lockouts'; subject: 'client_id' };
export const USER_LOCKOUTS: LockoutTable = { table: 'user_lockouts', subject: 'user_id' };
export const CLIENT_LOCKOUTS: LockoutTable = { table: 'client_lockouts', subject: 'client_id' };

function statements({ table, subject }: LockoutTable) {
  const name = (what: string) => `${table}.${what}`;
  return {
    get: statement(name('get'), `SELECT ${COLUMNS} FROM ${table} WHERE tenant_id = $1 AND ${subject} = $2`),
    // One upsert per failure: the row lock serialises concurrent failures from any
    // number of processes, so each caller gets its own count back.
    recordFailure: statement(name('record-failure'), `
      INSERT INTO ${table} AS l (tenant_id, ${subject}, failed_count, locked_until, last_failure_at, last_failure_address)
      VALUES ($1, $2, 1, NULL, $3, $4)
      ON CONFLICT (tenant_id, ${subject}) DO UPDATE SET
        failed_count = CASE WHEN l.last_failure_at IS NOT NULL AND l.last_failure_at >= $5 THEN l.failed_count + 1 ELSE 1 END,
        last_failure_at = excluded.last_failure_at,
        last_failure_address = excluded.last_failure_address
      RETURNING ${COLUMNS}`),
    lock: statement(name('lock'), `
      INSERT INTO ${table} AS l (tenant_id, ${subject}, failed_count, locked_until) VALUES ($1, $2, 0, $3)
      ON CONFLICT (tenant_id, ${subject}) DO UPDATE SET locked_until = GREATEST(COALESCE(l.locked_until, 0), excluded.locked_until)`),
    // The reservation's row, created empty if need be, then locked for the transaction: every instance's
    // reservation for one subject waits its turn here.
    ensure: statement(name('ensure'), `INSERT INTO ${table} (tenant_id, ${subject}, failed_count) VALUES ($1, $2, 0) ON CONFLICT (tenant_id, ${subject}) DO NOTHING`),
    getForUpdate: statement(name('get-for-update'), `SELECT ${COLUMNS} FROM ${table} WHERE tenant_id = $1 AND ${subject} = $2 FOR UPDATE`),
    put: statement(name('put'), `UPDATE ${table} SET failed_count = $3, locked_until = $4, last_failure_at = $5, last_failure_address = $6
      WHERE tenant_id = $1 AND ${subject} = $2`),
    clear: statement(name('clear'), `UPDATE ${table} SET failed_count = 0, locked_until = NULL WHERE tenant_id = $1 AND ${subject} = $2`),
  };
}

const STATEMENTS = { user_lockouts: statements(USER_LOCKOUTS), client_lockouts: statements(CLIENT_LOCKOUTS) };

/** Lock state in a lockout table, counted atomically in the database so every instance shares it. */
export class PostgresLockoutStore implements LockoutStore {
  readonly #db: PostgresDatabase;
  readonly #sql: ReturnType<typeof statements>;

  constructor(db: PostgresDatabase, table: LockoutTable = USER_LOCKOUTS) {
    this.#db = db;
    this.#sql = STATEMENTS[table.table];
  }

  async getLockState(tenantId: string, userId: string): Promise<LockState> {
    return mapRow.lockState((await this.#db.query<Row>(this.#sql.get, [tenantId, userId])).rows[0]);
  }

  async recordFailure(tenantId: string, userId: string, failure: { at: number; address: string | null; countSince: number }): Promise<LockState> {
    const row = (await this.#db.query<Row>(this.#sql.recordFailure, [tenantId, userId, failure.at, failure.address, failure.countSince])).rows[0];
    return mapRow.lockState(row);
  }

  async reserveAttempt(tenantId: string, userId: string, attempt: AttemptReservation): Promise<ReservedAttempt> {
    return this.#db.transaction(async (tx) => {
      await tx.query(this.#sql.ensure, [tenantId, userId]);
      const state = mapRow.lockState((await tx.query<Row>(this.#sql.getForUpdate, [tenantId, userId])).rows[0]);
      const { reserved, next, lockedUntil } = reserveAttempt(state, attempt);
      if (reserved) await tx.query(this.#sql.put, [tenantId, userId, next.failedCount, next.lockedUntil, next.lastFailureAt, next.lastFailureAddress]);
      return { reserved, state: next, lockedUntil };
    });
  }

  async lockUntil(tenantId: string, userId: string, until: number): Promise<void> {
    await this.#db.query(this.#sql.lock, [tenantId, userId, until]);
  }

  async clearFailures(tenantId: string, userId: string): Promise<void> {
    await this.#db.query(this.#sql.clear, [tenantId, userId]);
  }

  async unlock(tenantId: string, userId: string, audit: AuditEntry): Promise<void> {
    await this.#db.transaction(async (tx) => {
      await tx.query(this.#sql.clear, [tenantId, userId]);
      await appendAuditIn(tx, audit);
    });
  }
}

import type { DatabaseSync } from 'node:sqlite';
import type { AuditEntry, LockState } from '../../core/model.ts';
import type { SqliteAuditChain } from './audit.ts';
import { inTransaction } from './database.ts';
import { reserveAttempt, type AttemptReservation, type ReservedAttempt } from '../../core/login-policy.ts';
import type { LockoutStore } from '../../core/ports/lockouts.ts';
import { mapRow, type Row } from './rows.ts';

/** The two lockout tables: users' (`user_lockouts`) and clients' (`client_lockouts`), keyed by tenant and subject. */
export type LockoutTable = { table: 'user_lockouts'; subject: 'user_id' } | { table: 'client_lockouts'; subject: 'client_id' };

export const USER_LOCKOUTS: LockoutTable = { table: 'user_lockouts', subject: 'user_id' };
export const CLIENT_LOCKOUTS: LockoutTable = { table: 'client_lockouts', subject: 'client_id' };

/**
 * Lock state in a lockout table. A failure is counted by one upsert
 * statement, so concurrent failures from several processes each get their own
 * count (SQLite serialises writers).
 */
export class SqliteLockoutStore implements LockoutStore {
  readonly #get;
  readonly #recordFailure;
  readonly #lock;
  readonly #clear;
  readonly #put;
  readonly #db: DatabaseSync;
  readonly #audit: SqliteAuditChain;

  /** @param audit appends an operator's unlock's entry in the unlock's transaction */
  constructor(db: DatabaseSync, audit: SqliteAuditChain, { table, subject }: LockoutTable = USER_LOCKOUTS) {
    this.#db = db;
    this.#audit = audit;
    this.#put = db.prepare(`
      INSERT INTO ${table} (tenant_id, ${subject}, failed_count, locked_until, last_failure_at, last_failure_address)
      VALUES (:tenant, :user, :count, :until, :at, :address)
      ON CONFLICT (tenant_id, ${subject}) DO UPDATE SET failed_count = excluded.failed_count, locked_until = excluded.locked_until,
        last_failure_at = excluded.last_failure_at, last_failure_address = excluded.last_failure_address`);
    this.#get = db.prepare(`SELECT * FROM ${table} WHERE tenant_id = ? AND ${subject} = ?`);
    this.#recordFailure = db.prepare(`
      INSERT INTO ${table} (tenant_id, ${subject}, failed_count, locked_until, last_failure_at, last_failure_address)
      VALUES (:tenant, :user, 1, NULL, :at, :address)
      ON CONFLICT (tenant_id, ${subject}) DO UPDATE SET
        failed_count = CASE WHEN last_failure_at IS NOT NULL AND last_failure_at >= :since THEN failed_count + 1 ELSE 1 END,
        last_failure_at = excluded.last_failure_at,
        last_failure_address = excluded.last_failure_address
      RETURNING *`);
    this.#lock = db.prepare(`
      INSERT INTO ${table} (tenant_id, ${subject}, failed_count, locked_until) VALUES (:tenant, :user, 0, :until)
      ON CONFLICT (tenant_id, ${subject}) DO UPDATE SET locked_until = MAX(COALESCE(locked_until, 0), excluded.locked_until)`);
    this.#clear = db.prepare(`UPDATE ${table} SET failed_count = 0, locked_until = NULL WHERE tenant_id = ? AND ${subject} = ?`);
  }

  async getLockState(tenantId: string, userId: string): Promise<LockState> {
    return mapRow.lockState(this.#get.get(tenantId, userId) as Row | undefined);
  }

  async recordFailure(tenantId: string, userId: string, failure: { at: number; address: string | null; countSince: number }): Promise<LockState> {
    const row = this.#recordFailure.get({ tenant: tenantId, user: userId, at: failure.at, address: failure.address, since: failure.countSince });
    return mapRow.lockState(row as Row);
  }

  /** Read, decide and write in one BEGIN IMMEDIATE transaction: SQLite's write lock keeps other processes out of the step. */
  async reserveAttempt(tenantId: string, userId: string, attempt: AttemptReservation): Promise<ReservedAttempt> {
    const joined = this.#db.isTransaction;
    if (!joined) this.#db.exec('BEGIN IMMEDIATE');
    try {
      const state = mapRow.lockState(this.#get.get(tenantId, userId) as Row | undefined);
      const { reserved, next, lockedUntil } = reserveAttempt(state, attempt);
      if (reserved) {
        this.#put.run({ tenant: tenantId, user: userId, count: next.failedCount, until: next.lockedUntil, at: next.lastFailureAt, address: next.lastFailureAddress });
      }
      if (!joined) this.#db.exec('COMMIT');
      return { reserved, state: next, lockedUntil };
    } catch (error) {
      if (!joined && this.#db.isTransaction) this.#db.exec('ROLLBACK');
      throw error;
    }
  }

  async lockUntil(tenantId: string, userId: string, until: number): Promise<void> {
    this.#lock.run({ tenant: tenantId, user: userId, until });
  }

  async clearFailures(tenantId: string, userId: string): Promise<void> {
    this.#clear.run(tenantId, userId);
  }

  async unlock(tenantId: string, userId: string, audit: AuditEntry): Promise<void> {
    inTransaction(this.#db, () => {
      this.#clear.run(tenantId, userId);
      this.#audit.append(audit);
    });
  }
}

import type { LockState } from '../../core/model.ts';
import type { LockoutStore } from '../../core/ports/lockouts.ts';
import { statement, type PostgresDatabase } from './database.ts';
import { mapRow, type Row } from './rows.ts';

const COLUMNS = 'failed_count, locked_until, last_failure_at, last_failure_address';
const GET = statement('lockouts.get', `SELECT ${COLUMNS} FROM user_lockouts WHERE tenant_id = $1 AND user_id = $2`);
// One upsert per failure: the row lock serialises concurrent failures from any
// number of processes, so each caller gets its own count back.
const RECORD_FAILURE = statement('lockouts.record-failure', `
  INSERT INTO user_lockouts AS l (tenant_id, user_id, failed_count, locked_until, last_failure_at, last_failure_address)
  VALUES ($1, $2, 1, NULL, $3, $4)
  ON CONFLICT (tenant_id, user_id) DO UPDATE SET
    failed_count = CASE WHEN l.last_failure_at IS NOT NULL AND l.last_failure_at >= $5 THEN l.failed_count + 1 ELSE 1 END,
    last_failure_at = excluded.last_failure_at,
    last_failure_address = excluded.last_failure_address
  RETURNING ${COLUMNS}`);
const LOCK = statement('lockouts.lock', `
  INSERT INTO user_lockouts AS l (tenant_id, user_id, failed_count, locked_until) VALUES ($1, $2, 0, $3)
  ON CONFLICT (tenant_id, user_id) DO UPDATE SET locked_until = GREATEST(COALESCE(l.locked_until, 0), excluded.locked_until)`);
const CLEAR = statement('lockouts.clear', 'UPDATE user_lockouts SET failed_count = 0, locked_until = NULL WHERE tenant_id = $1 AND user_id = $2');

/** Lock state in `user_lockouts`, counted atomically in the database so every instance shares it. */
export class PostgresLockoutStore implements LockoutStore {
  readonly #db: PostgresDatabase;

  constructor(db: PostgresDatabase) {
    this.#db = db;
  }

  async getLockState(tenantId: string, userId: string): Promise<LockState> {
    return mapRow.lockState((await this.#db.query<Row>(GET, [tenantId, userId])).rows[0]);
  }

  async recordFailure(tenantId: string, userId: string, failure: { at: number; address: string | null; countSince: number }): Promise<LockState> {
    const row = (await this.#db.query<Row>(RECORD_FAILURE, [tenantId, userId, failure.at, failure.address, failure.countSince])).rows[0];
    return mapRow.lockState(row);
  }

  async lockUntil(tenantId: string, userId: string, until: number): Promise<void> {
    await this.#db.query(LOCK, [tenantId, userId, until]);
  }

  async clearFailures(tenantId: string, userId: string): Promise<void> {
    await this.#db.query(CLEAR, [tenantId, userId]);
  }
}

import type { ActivityCount, ActivityStore } from '../../core/ports/activity.ts';
import { deepFreeze } from '../read-only-fields.ts';
import { statement, type PostgresDatabase } from './database.ts';

/**
 * One statement per batch: the counts as parallel arrays, unnested into rows,
 * each added to its row or inserted. Concurrent batches touching one row
 * serialise on its lock (ON CONFLICT DO UPDATE), so no count is lost.
 */
const ADD = statement('activity_add', `
  INSERT INTO activity (tenant_id, minute, kind, name, client_id, count)
  SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::bigint[])
  ON CONFLICT (tenant_id, minute, kind, name, client_id) DO UPDATE SET count = activity.count + excluded.count`);
const READ = statement('activity_read', `
  SELECT tenant_id, minute, kind, name, client_id, count FROM activity
  WHERE tenant_id = $1 AND minute >= $2 AND minute < $3 ORDER BY minute, kind, name, client_id`);
const PURGE = statement('activity_purge', 'DELETE FROM activity WHERE minute < $1');

export class PostgresActivityStore implements ActivityStore {
  readonly #db: PostgresDatabase;

  constructor(db: PostgresDatabase) {
    this.#db = db;
  }

  async addActivity(counts: readonly ActivityCount[]): Promise<void> {
    if (counts.length === 0) return;
    // Rows are locked in one order by every writer, so two batches cannot deadlock on each other.
    const sorted = [...counts].sort((a, b) => key(a).localeCompare(key(b)));
    await this.#db.query(ADD, [
      sorted.map((c) => c.tenantId), sorted.map((c) => c.minute), sorted.map((c) => c.kind),
      sorted.map((c) => c.name), sorted.map((c) => c.clientId), sorted.map((c) => c.count),
    ]);
  }

  async readActivity(tenantId: string, from: number, to: number): Promise<ActivityCount[]> {
    const { rows } = await this.#db.query<{ tenant_id: string; minute: string; kind: 'issued' | 'error'; name: string; client_id: string; count: string }>(READ, [tenantId, from, to]);
    return rows.map((r) => deepFreeze({ tenantId: r.tenant_id, minute: Number(r.minute), kind: r.kind, name: r.name, clientId: r.client_id, count: Number(r.count) }));
  }

  async purgeActivity(before: number): Promise<number> {
    return (await this.#db.query(PURGE, [before])).rowCount ?? 0;
  }
}

function key(c: ActivityCount): string {
  return `${c.tenantId}\u0000${c.minute}\u0000${c.kind}\u0000${c.name}\u0000${c.clientId}`;
}

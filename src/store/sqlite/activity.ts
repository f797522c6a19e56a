import type { DatabaseSync } from 'node:sqlite';
import type { ActivityCount, ActivityStore } from '../../core/ports/activity.ts';
import { deepFreeze } from '../read-only-fields.ts';
import { inTransaction } from './database.ts';

interface ActivityRow {
  tenant_id: string;
  minute: number;
  kind: 'issued' | 'error';
  name: string;
  client_id: string;
  count: number;
}

export class SqliteActivityStore implements ActivityStore {
  readonly #db: DatabaseSync;
  readonly #add;
  readonly #read;
  readonly #purge;

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#add = db.prepare(`INSERT INTO activity (tenant_id, minute, kind, name, client_id, count) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (tenant_id, minute, kind, name, client_id) DO UPDATE SET count = count + excluded.count`);
    this.#read = db.prepare('SELECT tenant_id, minute, kind, name, client_id, count FROM activity WHERE tenant_id = ? AND minute >= ? AND minute < ? ORDER BY minute, kind, name, client_id');
    this.#purge = db.prepare('DELETE FROM activity WHERE minute < ?');
  }

  async addActivity(counts: readonly ActivityCount[]): Promise<void> {
    if (counts.length === 0) return;
    inTransaction(this.#db, () => {
      for (const c of counts) this.#add.run(c.tenantId, c.minute, c.kind, c.name, c.clientId, c.count);
    });
  }

  async readActivity(tenantId: string, from: number, to: number): Promise<ActivityCount[]> {
    return (this.#read.all(tenantId, from, to) as unknown as ActivityRow[]).map((r) =>
      deepFreeze({ tenantId: r.tenant_id, minute: Number(r.minute), kind: r.kind, name: r.name, clientId: r.client_id, count: Number(r.count) }),
    );
  }

  async purgeActivity(before: number): Promise<number> {
    return Number(this.#purge.run(before).changes);
  }
}

import type { ActivityCount, ActivityStore } from '../../core/ports/activity.ts';
import { frozenCopy } from './copy.ts';

export class MemoryActivityStore implements ActivityStore {
  readonly #rows = new Map<string, ActivityCount>();

  async addActivity(counts: readonly ActivityCount[]): Promise<void> {
    for (const c of counts) {
      const key = `${c.tenantId}\u0000${c.minute}\u0000${c.kind}\u0000${c.name}\u0000${c.clientId}`;
      const row = this.#rows.get(key);
      this.#rows.set(key, { ...c, count: (row?.count ?? 0) + c.count });
    }
  }

  async readActivity(tenantId: string, from: number, to: number): Promise<ActivityCount[]> {
    return [...this.#rows.values()]
      .filter((r) => r.tenantId === tenantId && r.minute >= from && r.minute < to)
      .sort((a, b) => a.minute - b.minute)
      .map((r) => frozenCopy(r));
  }

  async purgeActivity(before: number): Promise<number> {
    let deleted = 0;
    for (const [key, row] of this.#rows) {
      if (row.minute < before) {
        this.#rows.delete(key);
        deleted++;
      }
    }
    return deleted;
  }
}

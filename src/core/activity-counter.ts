/**
 * Counts a process's activity (tokens issued, error answers) per tenant and
 * minute in memory, so that a request costs one map update, and hands the
 * counts over in batches for the store ({@link ActivityStore.addActivity}),
 * where every process's add up.
 */
import type { ActivityCount } from './ports/activity.ts';

const MINUTE_MS = 60_000;

/** The start of the minute `at` falls in. */
export function minuteOf(at: number): number {
  return at - (at % MINUTE_MS);
}

export class ActivityCounter {
  #counts = new Map<string, ActivityCount>();

  /** An access token issued to `clientId` of `tenantId` by the `grant` grant, at `at` (ms). */
  issued(tenantId: string, grant: string, clientId: string, at: number): void {
    this.#add(tenantId, minuteOf(at), 'issued', grant, clientId, 1);
  }

  /** An error answer `error` (an OAuth error code) to a request of `tenantId`, at `at` (ms). */
  failed(tenantId: string, error: string, at: number): void {
    this.#add(tenantId, minuteOf(at), 'error', error, '', 1);
  }

  /** Takes every count made since the last drain. */
  drain(): ActivityCount[] {
    const counts = [...this.#counts.values()];
    this.#counts = new Map();
    return counts;
  }

  /** Puts back counts a failed write did not store, to be written with the next batch. */
  restore(counts: readonly ActivityCount[]): void {
    for (const c of counts) this.#add(c.tenantId, c.minute, c.kind, c.name, c.clientId, c.count);
  }

  get pending(): number {
    return this.#counts.size;
  }

  #add(tenantId: string, minute: number, kind: ActivityCount['kind'], name: string, clientId: string, count: number): void {
    const key = `${tenantId}\u0000${minute}\u0000${kind}\u0000${name}\u0000${clientId}`;
    const existing = this.#counts.get(key);
    if (existing !== undefined) existing.count += count;
    else this.#counts.set(key, { tenantId, minute, kind, name, clientId, count });
  }
}

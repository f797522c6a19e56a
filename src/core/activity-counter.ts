/**
 * Counts a process's activity (tokens issued, error answers) per tenant and
 * minute in memory, so that a request costs a few map look-ups, and hands
 * the counts over in batches for the store ({@link ActivityStore.addActivity}),
 * where every process's add up.
 */
import type { ActivityCount } from './ports/activity.ts';

const MINUTE_MS = 60_000;

/** The start of the minute `at` falls in. */
export function minuteOf(at: number): number {
  return at - (at % MINUTE_MS);
}

/**
 * One minute's counts of one kind, by tenant, name and client. Nested maps
 * rather than one map keyed by a joined string: the parts are strings the
 * request already holds, whose hashes V8 keeps, where a joined key would be
 * a new string to build and hash on every request.
 */
type Counts = Map<string, Map<string, Map<string, ActivityCount>>>;

function child<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) map.set(key, (value = make()));
  return value;
}

const newMap = <K, V>() => new Map<K, V>();

export class ActivityCounter {
  #minutes = new Map<number, { issued: Counts; error: Counts }>();
  #pending = 0;

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
    const counts: ActivityCount[] = [];
    for (const kinds of this.#minutes.values()) {
      for (const byTenant of [kinds.issued, kinds.error]) {
        for (const byName of byTenant.values()) for (const byClient of byName.values()) counts.push(...byClient.values());
      }
    }
    this.#minutes = new Map();
    this.#pending = 0;
    return counts;
  }

  /** Puts back counts a failed write did not store, to be written with the next batch. */
  restore(counts: readonly ActivityCount[]): void {
    for (const c of counts) this.#add(c.tenantId, c.minute, c.kind, c.name, c.clientId, c.count);
  }

  /** How many counts wait for the next drain. */
  get pending(): number {
    return this.#pending;
  }

  #add(tenantId: string, minute: number, kind: ActivityCount['kind'], name: string, clientId: string, count: number): void {
    const kinds = child(this.#minutes, minute, () => ({ issued: newMap(), error: newMap() }) as { issued: Counts; error: Counts });
    const byClient = child(child(kinds[kind], tenantId, newMap<string, Map<string, ActivityCount>>), name, newMap<string, ActivityCount>);
    const existing = byClient.get(clientId);
    if (existing !== undefined) existing.count += count;
    else {
      byClient.set(clientId, { tenantId, minute, kind, name, clientId, count });
      this.#pending++;
    }
  }
}

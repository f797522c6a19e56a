/**
 * A tenant's activity by minute (tokens issued by grant and client, error
 * answers by code), as the console's Activity page reads it: every minute of
 * the window present, oldest first, the quiet ones as explicit zeros, counted
 * by every process that serves the database (docs/console.md gives the
 * contract). The current minute is the last and still filling; each process
 * adds its counts every few seconds (`activityFlushMs`).
 */
import type { Clock } from '../core/clock.ts';
import { minuteOf } from '../core/activity-counter.ts';
import type { ActivityStore } from '../core/ports/activity.ts';
import type { TenantReader } from '../core/ports/tenants.ts';
import { AdminError, invalid } from './admin-error.ts';

const MINUTE_MS = 60_000;
export const MAX_ACTIVITY_MINUTES = 1440;
export const DEFAULT_ACTIVITY_MINUTES = 60;

export interface ActivityMinute {
  /** Start of the minute (ms). */
  at: number;
  issued: { grant: string; clientId: string; count: number }[];
  errors: { error: string; count: number }[];
}

export interface TenantActivity {
  tenant: string;
  /** Start of the first minute (ms). */
  from: number;
  /** End of the last minute, exclusive (ms). */
  to: number;
  perMinute: ActivityMinute[];
}

export class ActivityService {
  readonly #storage: { activity: ActivityStore; tenants: TenantReader };
  readonly #clock: Clock;

  constructor(storage: { activity: ActivityStore; tenants: TenantReader }, clock: Clock) {
    this.#storage = storage;
    this.#clock = clock;
  }

  /** The last `minutes` minutes of `tenantId`, the current one included. */
  async read(tenantId: string, minutes: number = DEFAULT_ACTIVITY_MINUTES): Promise<TenantActivity> {
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > MAX_ACTIVITY_MINUTES) {
      throw invalid('minutes', `must be a whole number from 1 to ${MAX_ACTIVITY_MINUTES}`);
    }
    if ((await this.#storage.tenants.getTenant(tenantId)) === undefined) throw new AdminError('not_found', `tenant '${tenantId}' does not exist`);
    const to = minuteOf(this.#clock()) + MINUTE_MS;
    const from = to - minutes * MINUTE_MS;
    const perMinute: ActivityMinute[] = Array.from({ length: minutes }, (_, i) => ({ at: from + i * MINUTE_MS, issued: [], errors: [] }));
    for (const count of await this.#storage.activity.readActivity(tenantId, from, to)) {
      const minute = perMinute[(count.minute - from) / MINUTE_MS];
      if (minute === undefined || count.count === 0) continue;
      if (count.kind === 'issued') minute.issued.push({ grant: count.name, clientId: count.clientId, count: count.count });
      else minute.errors.push({ error: count.name, count: count.count });
    }
    return { tenant: tenantId, from, to, perMinute };
  }
}

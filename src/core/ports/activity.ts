/**
 * Per-minute activity counts of each tenant (tokens issued by grant and
 * client, error answers by code), added to by every process serving the
 * database and read back together: the admin API's activity route shows a
 * tenant, not a process.
 */

/** One count of one minute. */
export interface ActivityCount {
  tenantId: string;
  /** Start of the minute (ms since the epoch, a multiple of 60 000). */
  minute: number;
  /** `issued`: access tokens issued; `error`: error answers of the OAuth endpoints. */
  kind: 'issued' | 'error';
  /** The `grant_type` (issued) or the OAuth `error` code (error). */
  name: string;
  /** The client tokens were issued to; '' for errors. */
  clientId: string;
  count: number;
}

export interface ActivityStore {
  /**
   * Adds each count to its row (tenant, minute, kind, name, client),
   * creating it when missing. Atomic per row under concurrency: processes
   * adding to one row at once lose no count.
   */
  addActivity(counts: readonly ActivityCount[]): Promise<void>;
  /** A tenant's counts of the minutes in [from, to), oldest minute first. */
  readActivity(tenantId: string, from: number, to: number): Promise<ActivityCount[]>;
  /** Deletes every count of a minute before `before`; returns how many rows went. */
  purgeActivity(before: number): Promise<number>;
}

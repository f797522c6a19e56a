/**
 * Brute-force records of users. Counting happens in the store, one atomic
 * statement per failure, so every process on one database sees the same count.
 */
import type { LockState } from '../model.ts';

export interface LockoutStore {
  /** The user's record; all zero/null when none exists. */
  getLockState(tenantId: string, userId: string): Promise<LockState>;
  /**
   * Atomically counts one failed password: the count restarts at 1 when the
   * previous failure is older than `countSince` (ms), otherwise it goes up by
   * one. Records `at` and `address` as the last failure. Returns the record
   * after the increment; each concurrent caller sees a different count.
   */
  recordFailure(tenantId: string, userId: string, failure: { at: number; address: string | null; countSince: number }): Promise<LockState>;
  /** Locks the user until `until` (ms), never shortening a lock already longer. */
  lockUntil(tenantId: string, userId: string, until: number): Promise<void>;
  /** Sets the count to 0 and lifts any lock (a successful login, an operator's unlock). The last failure stays on record. */
  clearFailures(tenantId: string, userId: string): Promise<void>;
}

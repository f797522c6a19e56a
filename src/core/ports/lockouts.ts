/**
 * Brute-force records, kept per tenant and subject: a store has one for
 * users (`lockouts`, the subject a user id) and one for clients with
 * operator-chosen secrets (`clientLockouts`, the subject a client id).
 * Counting happens in the store, one atomic statement per failure, so every
 * process on one database sees the same count. A record goes when its user
 * or client is deleted.
 */
import type { LockState } from '../model.ts';

export interface LockoutStore {
  /** The subject's record; all zero/null when none exists. */
  getLockState(tenantId: string, subjectId: string): Promise<LockState>;
  /**
   * Atomically counts one failure (a password, a secret): the count restarts at 1 when the
   * previous failure is older than `countSince` (ms), otherwise it goes up by
   * one. Records `at` and `address` as the last failure. Returns the record
   * after the increment; each concurrent caller sees a different count.
   */
  recordFailure(tenantId: string, subjectId: string, failure: { at: number; address: string | null; countSince: number }): Promise<LockState>;
  /** Locks the subject until `until` (ms), never shortening a lock already longer. */
  lockUntil(tenantId: string, subjectId: string, until: number): Promise<void>;
  /** Sets the count to 0 and lifts any lock (a success, an operator's unlock). The last failure stays on record. */
  clearFailures(tenantId: string, subjectId: string): Promise<void>;
}

/**
 * Brute-force records, kept per tenant and subject: a store has one for
 * users (`lockouts`, the subject a user id) and one for clients with
 * operator-chosen secrets (`clientLockouts`, the subject a client id).
 * Counting happens in the store, one atomic statement per failure, so every
 * process on one database sees the same count. A record goes when its user
 * or client is deleted.
 */
import type { AttemptReservation, ReservedAttempt } from '../login-policy.ts';
import type { AuditEntry, LockState } from '../model.ts';

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
  /**
   * Atomically, before a password is checked: unless the subject is locked
   * at `attempt.at`, counts the attempt as a failure and starts the lock its
   * count calls for, by login-policy.ts's `reserveAttempt` rule. One step
   * per subject across every process sharing the store, so a burst of
   * attempts from anywhere gets at most `maxFailures` checks per lock.
   */
  reserveAttempt(tenantId: string, subjectId: string, attempt: AttemptReservation): Promise<ReservedAttempt>;
  /** Locks the subject until `until` (ms), never shortening a lock already longer. */
  lockUntil(tenantId: string, subjectId: string, until: number): Promise<void>;
  /**
   * Sets the count to 0 and lifts any lock after a success (a right password
   * or secret). The last failure stays on record. Not audited: it is on the
   * token path, which must not pay for the audit chain.
   */
  clearFailures(tenantId: string, subjectId: string): Promise<void>;
  /**
   * An operator's unlock: what {@link clearFailures} does, with `audit`
   * appended to the audit chain in the same transaction.
   */
  unlock(tenantId: string, subjectId: string, audit: AuditEntry): Promise<void>;
}

import type { AuditEntry, LockState } from '../../core/model.ts';
import type { MemoryAuditStore } from './audit.ts';
import { reserveAttempt, type AttemptReservation, type ReservedAttempt } from '../../core/login-policy.ts';
import type { LockoutStore } from '../../core/ports/lockouts.ts';

const key = (tenantId: string, subjectId: string) => `${tenantId}\u0000${subjectId}`;
const none = (): LockState => ({ failedCount: 0, lockedUntil: null, lastFailureAt: null, lastFailureAddress: null });

/** Each method runs without awaiting in between, so within one process every call is atomic. */
export class MemoryLockoutStore implements LockoutStore {
  readonly #states = new Map<string, LockState>();
  readonly #audit: MemoryAuditStore;

  /** @param audit where an operator's unlock appends its entry, in the same synchronous step */
  constructor(audit: MemoryAuditStore) {
    this.#audit = audit;
  }

  async getLockState(tenantId: string, userId: string): Promise<LockState> {
    return { ...(this.#states.get(key(tenantId, userId)) ?? none()) };
  }

  async recordFailure(tenantId: string, userId: string, failure: { at: number; address: string | null; countSince: number }): Promise<LockState> {
    const state = this.#states.get(key(tenantId, userId)) ?? none();
    const counts = state.lastFailureAt !== null && state.lastFailureAt >= failure.countSince;
    const next: LockState = {
      failedCount: counts ? state.failedCount + 1 : 1,
      lockedUntil: state.lockedUntil,
      lastFailureAt: failure.at,
      lastFailureAddress: failure.address,
    };
    this.#states.set(key(tenantId, userId), next);
    return { ...next };
  }

  async reserveAttempt(tenantId: string, userId: string, attempt: AttemptReservation): Promise<ReservedAttempt> {
    const { reserved, next, lockedUntil } = reserveAttempt(this.#states.get(key(tenantId, userId)) ?? none(), attempt);
    if (reserved) this.#states.set(key(tenantId, userId), next);
    return { reserved, state: { ...next }, lockedUntil };
  }

  async lockUntil(tenantId: string, userId: string, until: number): Promise<void> {
    const state = this.#states.get(key(tenantId, userId)) ?? none();
    this.#states.set(key(tenantId, userId), { ...state, lockedUntil: Math.max(state.lockedUntil ?? 0, until) });
  }

  async clearFailures(tenantId: string, userId: string): Promise<void> {
    this.#clear(tenantId, userId);
  }

  async unlock(tenantId: string, userId: string, audit: AuditEntry): Promise<void> {
    this.#clear(tenantId, userId);
    this.#audit.append(audit);
  }

  #clear(tenantId: string, userId: string): void {
    const state = this.#states.get(key(tenantId, userId));
    if (state !== undefined) this.#states.set(key(tenantId, userId), { ...state, failedCount: 0, lockedUntil: null });
  }

  /** Forgets a deleted user's or client's record. */
  forget(tenantId: string, userId: string): void {
    this.#states.delete(key(tenantId, userId));
  }
}

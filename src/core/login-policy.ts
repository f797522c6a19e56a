/**
 * Default login settings of a tenant, and the lockout arithmetic.
 *
 * The lockout follows Keycloak's brute-force detection ("Lockout temporarily",
 * linear wait increments): a lock starts at every `maxFailures`-th
 * consecutive failure, and the k-th lock in a row lasts `k × waitIncrement`
 * up to `maxWait`. Deriving the lock from the count alone is what lets the
 * store count atomically and several processes agree: each failure gets its
 * own count from the store, and only the one that reaches a multiple of
 * `maxFailures` sets a lock.
 *
 * @see https://www.keycloak.org/docs/latest/server_admin/#password-guess-brute-force-attacks
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Authentication_Cheat_Sheet.html#account-lockout
 */
import type { LockoutPolicy, LockState, LoginPolicy } from './model.ts';

export const DEFAULT_LOCKOUT_POLICY: LockoutPolicy = {
  maxFailures: 5,
  waitIncrement: 60,
  // Keycloak's default cap: at most 15 minutes, so a locked-out person is not shut out for long.
  maxWait: 900,
  // Keycloak's default "failure reset time": 12 hours.
  failureReset: 43_200,
};

export const DEFAULT_LOGIN_POLICY: LoginPolicy = {
  lockout: DEFAULT_LOCKOUT_POLICY,
  refreshTokenLifetime: 30 * 24 * 3600,
  refreshTokenReuseGrace: 10,
  defaultPublicClient: null,
};

/** A stored policy merged over the defaults, so settings added later get their default on old rows. */
export function withLoginDefaults(stored: Partial<LoginPolicy> | undefined | null): LoginPolicy {
  return {
    ...DEFAULT_LOGIN_POLICY,
    ...stored,
    lockout: { ...DEFAULT_LOCKOUT_POLICY, ...stored?.lockout },
  };
}

/**
 * The instant (ms) a lock that starts now ends, when the failure just counted
 * (`failedCount`, as the store returned it) starts one; undefined otherwise.
 */
export function lockEndsAt(failedCount: number, now: number, policy: LockoutPolicy): number | undefined {
  if (policy.maxFailures <= 0 || failedCount <= 0 || failedCount % policy.maxFailures !== 0) return undefined;
  const lockNumber = failedCount / policy.maxFailures;
  return now + Math.min(lockNumber * policy.waitIncrement, policy.maxWait) * 1000;
}

/** An attempt about to be checked, as the store reserves it (ports/lockouts.ts `reserveAttempt`). */
export interface AttemptReservation {
  at: number;
  address: string | null;
  policy: LockoutPolicy;
}

/** What reserving an attempt did: whether it may be checked, the record after, and the lock it started (ms) if it started one. */
export interface ReservedAttempt {
  reserved: boolean;
  state: LockState;
  lockedUntil: number | null;
}

/**
 * The one rule every store applies inside its atomic step: a locked subject
 * gets no attempt; otherwise the attempt counts as a failure now, before it
 * is checked (a success clears the count afterwards), and the attempt whose
 * count reaches a multiple of `maxFailures` starts the lock at once. So
 * however many attempts arrive together, at most `maxFailures` are checked
 * per lock, on every process sharing the store.
 */
export function reserveAttempt(state: LockState, attempt: AttemptReservation): { reserved: boolean; next: LockState; lockedUntil: number | null } {
  if (isLocked(state, attempt.at)) return { reserved: false, next: state, lockedUntil: null };
  const counts = state.lastFailureAt !== null && state.lastFailureAt >= failureCountSince(attempt.at, attempt.policy);
  const failedCount = counts ? state.failedCount + 1 : 1;
  const lockedUntil = lockEndsAt(failedCount, attempt.at, attempt.policy) ?? null;
  return {
    reserved: true,
    next: { failedCount, lockedUntil: lockedUntil ?? state.lockedUntil, lastFailureAt: attempt.at, lastFailureAddress: attempt.address },
    lockedUntil,
  };
}

/** The start of the window in which earlier failures still count (ms). */
export function failureCountSince(now: number, policy: LockoutPolicy): number {
  return now - policy.failureReset * 1000;
}

export function isLocked(state: LockState, now: number): boolean {
  return state.lockedUntil !== null && now < state.lockedUntil;
}

/** Lock state as operators read it (seed 001's "Get User Lock State"). */
export interface LockStatus {
  locked: boolean;
  failedCount: number;
  /** ms; null when not locked now. */
  lockedUntil: number | null;
  lastFailureAt: number | null;
  lastFailureAddress: string | null;
}

export function lockStatus(state: LockState, now: number): LockStatus {
  const locked = isLocked(state, now);
  return {
    locked,
    failedCount: state.failedCount,
    lockedUntil: locked ? state.lockedUntil : null,
    lastFailureAt: state.lastFailureAt,
    lastFailureAddress: state.lastFailureAddress,
  };
}

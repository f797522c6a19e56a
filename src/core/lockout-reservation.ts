/**
 * Reserving a guess before it is checked, for every subject a lockout
 * protects (a user's password, a client's operator-chosen secret): the
 * store's atomic `reserveAttempt` (ports/lockouts.ts), plus a short wait for
 * a lock that a burst's own right answer is about to lift.
 */
import { isLocked, type ReservedAttempt } from './login-policy.ts';
import type { LockoutPolicy } from './lockout-policy.ts';
import type { LockState } from './model.ts';
import type { LockoutStore } from './ports/lockouts.ts';

/** How long an attempt waits for a lock that has just begun to be lifted by a success in flight (ms), and how often it looks. */
const JUST_LOCKED_WAIT_MS = 5000;
const JUST_LOCKED_POLL_MS = 50;

export interface GuessToReserve {
  tenantId: string;
  subjectId: string;
  /** The attempt's time (ms): a lock in force then refuses it. */
  at: number;
  address: string | null;
  policy: LockoutPolicy;
  /** True once the caller has gone away: it stops waiting. */
  abandoned?: (() => boolean) | undefined;
}

/**
 * Reserves the attempt (LockoutStore.reserveAttempt). The lock a burst
 * reaches begins at the reservation of its last allowed guess, before any of
 * them is checked; if one of those turns out to be right its success lifts
 * the lock again. So an attempt refused by a lock that began only just now
 * waits (before any hashing) a few seconds for that, and reserves again if
 * the lock is lifted: a caller that presents the right credential many times
 * at once is not locked out by its own parallelism, while a guesser's burst,
 * which no success lifts, is refused once the wait is over.
 */
export async function reserveGuess(store: LockoutStore, guess: GuessToReserve): Promise<ReservedAttempt> {
  const { tenantId, subjectId, at, policy } = guess;
  const reserve = () => store.reserveAttempt(tenantId, subjectId, { at, address: guess.address, policy });
  let reservation = await reserve();
  const deadline = performance.now() + JUST_LOCKED_WAIT_MS;
  while (!reservation.reserved && at - lockStart(reservation.state, policy) < JUST_LOCKED_WAIT_MS && performance.now() < deadline) {
    if (guess.abandoned?.() === true) break;
    await new Promise((resolve) => setTimeout(resolve, JUST_LOCKED_POLL_MS));
    if (!isLocked(await store.getLockState(tenantId, subjectId), at)) reservation = await reserve();
  }
  return reservation;
}

/** When the lock in `state` began (ms): its end less the length the count that started it calls for. */
function lockStart(state: LockState, policy: LockoutPolicy): number {
  if (state.lockedUntil === null) return -Infinity;
  const lockNumber = Math.max(1, Math.floor(state.failedCount / Math.max(1, policy.maxFailures)));
  return state.lockedUntil - Math.min(lockNumber * policy.waitIncrement, policy.maxWait) * 1000;
}

/**
 * Checks a user's password with brute-force protection, revealing nothing to
 * the caller but success or one `invalid_grant`.
 *
 * An unknown username, a wrong password, a locked user and a disabled user
 * all get the same error after the same work (one argon2id computation), so
 * the answer tells a guesser neither which usernames exist nor which are
 * locked. What actually happened goes into the error's private `detail`,
 * which the HTTP binding logs for operators.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.3.2
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-10.10 "Credentials-Guessing Attacks"
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Authentication_Cheat_Sheet.html#authentication-responses
 */
import { addressKey } from '../addresses.ts';
import { tell, type CallerReport } from '../caller.ts';
import { OAuthError } from '../errors.ts';
import { isLocked, type ReservedAttempt } from '../login-policy.ts';
import type { LockoutPolicy } from '../lockout-policy.ts';
import type { LockState, Tenant, User } from '../model.ts';
import type { Argon2id } from '../crypto/argon2id.ts';
import type { LockoutStore } from '../ports/lockouts.ts';
import type { UserReader } from '../ports/users.ts';
import { MAX_PASSWORD_BYTES, passwordFitsBound, verifyPassword } from './passwords.ts';
import { isValidUsername, normalizeUsername } from './usernames.ts';

export interface UserAuthenticationDeps {
  users: UserReader;
  lockouts: LockoutStore;
  argon2: Argon2id;
}

export interface PasswordAttempt {
  tenant: Tenant;
  username: string;
  password: string;
  /** The caller's address, kept as the last failure's source. */
  remoteAddress: string | undefined;
  now: number;
  /** True once the caller has gone away: a login still waiting for argon2 is then dropped, not hashed. */
  abandoned?: () => boolean;
  /** Told of the attempt before the password is hashed, and of a refusal (caller.ts). */
  report?: CallerReport | undefined;
}

/** The one answer to every failed login; OWIN (seed 003's server) words it so. */
export const INVALID_CREDENTIALS = 'The user name or password is incorrect.';

/** The one subject every malformed user name is counted under (none can be a user's, and their length is the caller's). */
const INVALID_USERNAME = '(invalid)';

/**
 * Returns the user when the password is right and the user may log in;
 * otherwise throws `invalid_grant` (or `invalid_request` for a password too
 * long to be anyone's).
 */
export async function authenticateUser(attempt: PasswordAttempt, deps: UserAuthenticationDeps): Promise<User> {
  try {
    return await checkPassword(attempt, deps);
  } catch (error) {
    if (error instanceof OAuthError && error.code === 'invalid_grant') await tell(attempt.report, { kind: 'credentials-refused', tenant: attempt.tenant, what: 'user' });
    throw error;
  }
}

async function checkPassword(attempt: PasswordAttempt, deps: UserAuthenticationDeps): Promise<User> {
  const { tenant } = attempt;
  // No stored password is longer (they are refused when set), so saying so reveals nothing, and it is never hashed.
  if (!passwordFitsBound(attempt.password)) {
    throw new OAuthError('invalid_request', `The password is longer than ${MAX_PASSWORD_BYTES} bytes`);
  }
  const username = isValidUsername(attempt.username) ? normalizeUsername(attempt.username) : undefined;
  // Before any lookup or hashing: a user name hammered from anywhere, or an address that failed too often, stops here.
  await tell(attempt.report, { kind: 'login-attempt', tenant, username: username ?? INVALID_USERNAME });
  const user = username === undefined ? undefined : await deps.users.findUserByUsername(tenant.id, username);
  // The attempt is counted in the store before the password is hashed, atomically and for every process:
  // checking first and counting after let a parallel burst have every guess checked while the count lagged.
  // A locked user's attempt is not counted (the lock already bounds the guessing rate) and its password is
  // not checked; it is hashed against the stand-in hash, the same work, so the answer's timing says nothing.
  const reservation = user === undefined ? undefined : await reserveAttempt(user, attempt, deps);
  const checked = reservation?.reserved === true ? user : undefined;
  // Always one full argon2id computation, whoever asks: a dummy hash stands in for an unknown or locked user.
  // Its turn in the argon2 queue comes round robin by address; the address and the user name each hold a bounded share.
  const shares = [`addr:${addressKey(attempt.remoteAddress)}`, `user:${tenant.id}/${username ?? INVALID_USERNAME}`];
  const passwordOk = await verifyPassword(deps.argon2, attempt.password, checked?.passwordHash, { abandoned: attempt.abandoned, shares });

  if (user === undefined || reservation === undefined) throw refused(`unknown user in tenant ${tenant.id}`);
  const who = `user ${user.id} (${user.username})`;
  if (!reservation.reserved) {
    throw refused(`${who} is locked until ${iso(reservation.state.lockedUntil!)}; attempt from ${attempt.remoteAddress ?? 'unknown address'} not checked`);
  }
  if (!passwordOk) {
    const { failedCount } = reservation.state;
    throw refused(reservation.lockedUntil === null
      ? `wrong password for ${who}: ${failedCount} consecutive failure(s)`
      : `${who} LOCKED until ${iso(reservation.lockedUntil)} after ${failedCount} consecutive failed passwords, the last from ${attempt.remoteAddress ?? 'unknown address'}`);
  }
  // No second look at the lock: the reservation was refused atomically if a lock was in force at this
  // attempt's time, so any lock found now was begun by later attempts of a burst, and this attempt, within
  // the policy's guesses when reserved, clears it. (Telling the two apart by the lock's start time refused
  // right passwords whose reservation waited behind a lock started by an attempt that arrived earlier.)
  if (!user.enabled) throw refused(`${who} is disabled`);
  // The argon2 wait is long enough for an operator to disable the user or change the password; what was
  // checked must still be the user's password, and the user still allowed in, when the answer is given.
  const current = await deps.users.getUser(tenant.id, user.id);
  if (current === undefined || !current.enabled || current.passwordHash !== user.passwordHash) {
    throw refused(`${who} was ${current === undefined ? 'deleted' : !current.enabled ? 'disabled' : 'given a new password'} while the password was checked`);
  }
  // "A success resets the count", including this attempt's own reservation.
  await deps.lockouts.clearFailures(tenant.id, user.id);
  return user;
}

/** How long an attempt waits for a lock that has just begun to be lifted by a success in flight (ms), and how often it looks. */
const JUST_LOCKED_WAIT_MS = 5000;
const JUST_LOCKED_POLL_MS = 50;

/**
 * Reserves the attempt (LockoutStore.reserveAttempt). The lock a burst
 * reaches begins at the reservation of its last allowed guess, before any of
 * them is checked; if one of those turns out to be the right password its
 * success lifts the lock again. So an attempt refused by a lock that began
 * only just now waits (before any hashing) a few seconds for that, and
 * reserves again if the lock is lifted: a client that logs one user in many
 * times at once is not locked out by its own parallelism, while a guesser's
 * burst, which no success lifts, is refused once the wait is over.
 */
async function reserveAttempt(user: User, attempt: PasswordAttempt, deps: UserAuthenticationDeps): Promise<ReservedAttempt> {
  const { tenant, now } = attempt;
  const policy = tenant.loginPolicy.lockout;
  const reserve = () => deps.lockouts.reserveAttempt(tenant.id, user.id, { at: now, address: attempt.remoteAddress ?? null, policy });
  let reservation = await reserve();
  const deadline = performance.now() + JUST_LOCKED_WAIT_MS;
  while (!reservation.reserved && now - lockStart(reservation.state, policy) < JUST_LOCKED_WAIT_MS && performance.now() < deadline) {
    if (attempt.abandoned?.() === true) break;
    await new Promise((resolve) => setTimeout(resolve, JUST_LOCKED_POLL_MS));
    if (!isLocked(await deps.lockouts.getLockState(tenant.id, user.id), now)) reservation = await reserve();
  }
  return reservation;
}

/** When the lock in `state` began (ms): its end less the length the count that started it calls for. */
function lockStart(state: LockState, policy: LockoutPolicy): number {
  if (state.lockedUntil === null) return -Infinity;
  const lockNumber = Math.max(1, Math.floor(state.failedCount / Math.max(1, policy.maxFailures)));
  return state.lockedUntil - Math.min(lockNumber * policy.waitIncrement, policy.maxWait) * 1000;
}

function refused(detail: string): OAuthError {
  return new OAuthError('invalid_grant', INVALID_CREDENTIALS, { detail });
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

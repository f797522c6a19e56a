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
import { reserveGuess } from '../lockout-reservation.ts';
import type { Tenant, User } from '../model.ts';
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
  // A lock that only just began waits a moment for a success in flight to lift it (lockout-reservation.ts).
  const reservation = user === undefined
    ? undefined
    : await reserveGuess(deps.lockouts, { tenantId: tenant.id, subjectId: user.id, at: attempt.now, address: attempt.remoteAddress ?? null, policy: tenant.loginPolicy.lockout, abandoned: attempt.abandoned });
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

function refused(detail: string): OAuthError {
  return new OAuthError('invalid_grant', INVALID_CREDENTIALS, { detail });
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

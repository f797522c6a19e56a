/**
 * Brute-force protection after Keycloak's model, for password logins (the
 * tenant's `loginPolicy.lockout`) and operator-chosen client secrets (its
 * `rateLimit.secretLockout`): every `maxFailures` consecutive failures lock the
 * user or client, the k-th lockout
 * in a row for `k × waitIncrement` seconds up to `maxWait`; a success or an
 * operator's unlock resets the count, and so does a quiet spell of
 * `failureReset` seconds between two failures.
 *
 * @see https://www.keycloak.org/docs/latest/server_admin/#password-guess-brute-force-attacks
 */
export interface LockoutPolicy {
  /** Consecutive failures that lock; 0 turns lockout off. */
  maxFailures: number;
  /** Seconds the first lockout lasts; each further lockout in a row adds as much again. */
  waitIncrement: number;
  /** Longest lockout in seconds. */
  maxWait: number;
  /** Seconds without a failure after which the count starts afresh. */
  failureReset: number;
}

/**
 * The rate-limit overrides a tenant or client record carries (its
 * `rateLimit` field): absent members keep the level above (client → tenant →
 * server configuration), `off` turns a rule off for it. One object per
 * record, checked by one function (admin/rate-limit-settings.ts), stored as
 * one JSON column.
 */
import type { LockoutPolicy } from '../lockout-policy.ts';
import type { RateSetting } from './rules.ts';

/** A tenant's overrides: rates for its clients and users, and how operator-chosen client secrets lock. */
export interface TenantRateLimits {
  token?: RateSetting;
  introspection?: RateSetting;
  revocation?: RateSetting;
  login?: RateSetting;
  /** Failed secrets that lock a client with an operator-chosen secret, and for how long (the users' lockout arithmetic). */
  secretLockout?: LockoutPolicy;
}

/** A client's own overrides of its tenant's rates. */
export interface ClientRateLimits {
  token?: RateSetting;
  introspection?: RateSetting;
  revocation?: RateSetting;
}

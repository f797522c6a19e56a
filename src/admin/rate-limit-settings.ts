/**
 * The `rateLimit` setting of tenants and clients, checked in one place for
 * the admin API and the CLI alike. A change names only the members it sets:
 * each is merged over what is stored, and `null` removes a member, so the
 * level above applies again (client → tenant → server configuration).
 */
import type { LockoutPolicy } from '../core/lockout-policy.ts';
import { DEFAULT_SECRET_LOCKOUT } from '../core/rate-limit/policy.ts';
import type { ClientRateLimits, TenantRateLimits } from '../core/rate-limit/overrides.ts';
import { CLIENT_RULES, rateSettingProblem, TENANT_RULES, type RateSetting } from '../core/rate-limit/rules.ts';
import { invalid } from './admin-error.ts';
import { requireInteger } from './validate.ts';

type Nullable<T> = { [K in keyof T]?: T[K] | null };

/** A change to a tenant's overrides; `secretLockout` members merge over the stored (or default) policy. */
export type TenantRateLimitInput = Nullable<Omit<TenantRateLimits, 'secretLockout'>> & { secretLockout?: Partial<LockoutPolicy> | null };
export type ClientRateLimitInput = Nullable<ClientRateLimits>;

const DAY = 24 * 3600;

function rate(value: unknown, field: string): RateSetting {
  const problem = rateSettingProblem(value);
  if (problem !== undefined) throw invalid(field, problem);
  return value === 'off' ? 'off' : { limit: (value as { limit: number }).limit, window: (value as { window: number }).window };
}

function secretLockout(input: unknown, stored: LockoutPolicy | undefined, field: string): LockoutPolicy {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) throw invalid(field, 'must be an object');
  const known = ['maxFailures', 'waitIncrement', 'maxWait', 'failureReset'];
  const extra = Object.keys(input).find((k) => !known.includes(k));
  if (extra !== undefined) throw invalid(`${field}.${extra}`, 'is not a lockout setting');
  const merged = { ...(stored ?? DEFAULT_SECRET_LOCKOUT), ...(input as Partial<LockoutPolicy>) };
  return {
    maxFailures: requireInteger(merged.maxFailures, `${field}.maxFailures`, 0, 1000),
    waitIncrement: requireInteger(merged.waitIncrement, `${field}.waitIncrement`, 1, DAY),
    maxWait: requireInteger(merged.maxWait, `${field}.maxWait`, merged.waitIncrement, 30 * DAY),
    failureReset: requireInteger(merged.failureReset, `${field}.failureReset`, 1, 30 * DAY),
  };
}

/**
 * The overrides after `input` is applied to `stored`. `scope` says which
 * members the record may carry: a tenant sets its clients' and users' rates
 * and the lockout of chosen client secrets, a client only its own rates.
 */
export function applyRateLimitChange(scope: 'tenant', input: unknown, stored: TenantRateLimits, field?: string): TenantRateLimits;
export function applyRateLimitChange(scope: 'client', input: unknown, stored: ClientRateLimits, field?: string): ClientRateLimits;
export function applyRateLimitChange(scope: 'tenant' | 'client', input: unknown, stored: TenantRateLimits, field = 'rateLimit'): TenantRateLimits {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) throw invalid(field, 'must be an object');
  const rules: readonly string[] = scope === 'tenant' ? TENANT_RULES : CLIENT_RULES;
  const next: Record<string, unknown> = { ...stored };
  for (const [key, value] of Object.entries(input)) {
    const at = `${field}.${key}`;
    if (key === 'secretLockout' && scope === 'tenant') {
      if (value === null) delete next.secretLockout;
      else next.secretLockout = secretLockout(value, stored.secretLockout, at);
    } else if (rules.includes(key)) {
      if (value === null) delete next[key];
      else next[key] = rate(value, at);
    } else {
      const allowed = scope === 'tenant' ? [...rules, 'secretLockout'] : rules;
      throw invalid(at, `is not a ${scope} rate-limit setting (${allowed.join(', ')})`);
    }
  }
  return next as TenantRateLimits;
}

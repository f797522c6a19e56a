/**
 * Which rate applies to a request: a client's own override, else its
 * tenant's, else the server-wide setting (configuration over the defaults).
 * Overrides live on the tenant and client records (`rateLimit`), so every
 * instance reading one database applies the same policy.
 */
import { DEFAULT_LOCKOUT_POLICY } from '../login-policy.ts';
import type { LockoutPolicy } from '../lockout-policy.ts';
import type { Client, Tenant } from '../model.ts';
import type { ClientRateLimits, TenantRateLimits } from './overrides.ts';
import type { ClientRule, Rate, RuleName, RuleSettings, TenantRule } from './rules.ts';

/**
 * Keycloak-like defaults for chosen client secrets, looser than users'
 * (services retry on their own, and a locked service is an outage): ten
 * failures in a row lock for a minute, each further lock a minute longer, at
 * most fifteen.
 */
export const DEFAULT_SECRET_LOCKOUT: LockoutPolicy = { ...DEFAULT_LOCKOUT_POLICY, maxFailures: 10 };

/** The rate of `rule` for a request of `client` in `tenant`, or undefined when the rule is off for it. */
export function effectiveRate(
  settings: RuleSettings,
  rule: RuleName,
  tenant?: { rateLimit: TenantRateLimits },
  client?: { rateLimit: ClientRateLimits },
): Rate | undefined {
  const setting = (client?.rateLimit[rule as ClientRule] ?? tenant?.rateLimit[rule as TenantRule] ?? settings[rule]);
  return setting === 'off' ? undefined : setting;
}

/** The lockout policy of chosen client secrets in `tenant`. */
export function secretLockoutPolicy(tenant: Pick<Tenant, 'rateLimit'>): LockoutPolicy {
  return tenant.rateLimit.secretLockout ?? DEFAULT_SECRET_LOCKOUT;
}

/** Keys of per-client and per-user buckets: the tenant is part of them, since ids are unique per tenant only. */
export function clientSubject(tenant: Pick<Tenant, 'id'>, client: Pick<Client, 'id'>): string {
  return `${tenant.id}/${client.id}`;
}

export function userSubject(tenant: Pick<Tenant, 'id'>, username: string): string {
  return `${tenant.id}/${username}`;
}

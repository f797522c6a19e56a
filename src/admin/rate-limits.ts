/**
 * Rate limits as operators see them, for the admin API and the CLI: the
 * rules in force, what this process refused, and one bucket's state, which
 * an operator may reset (a client locked out of its quota by a bug now
 * fixed, a user name hammered by someone else).
 *
 * A bucket is named by its rule and subject, spelled as the rule counts it:
 * an address (`192.0.2.7`; an IPv6 address stands for its /64) for the
 * per-address rules, `tenant/client` for the per-client ones,
 * `tenant/username` for `login`.
 */
import { addressKey } from '../core/addresses.ts';
import type { ClientReader } from '../core/ports/clients.ts';
import type { TenantReader } from '../core/ports/tenants.ts';
import type { LimitOutcome, RateLimiter, RateLimiterStats } from '../core/rate-limit/limiter.ts';
import { effectiveRate } from '../core/rate-limit/policy.ts';
import { RATE_LIMIT_RULES, RULE_NAMES, type Rate, type RuleName, type RuleSettings } from '../core/rate-limit/rules.ts';
import { isValidUsername, normalizeUsername } from '../core/users/usernames.ts';
import { AdminError, invalid } from './admin-error.ts';
import { AuditLog, type ChangeContext } from './audit.ts';
import type { AuditStore } from '../core/ports/audit.ts';
import type { Clock } from '../core/clock.ts';

export interface RateLimitOverview extends RateLimiterStats {
  /** Every rule's server-wide setting (per-tenant and per-client overrides are on their records). */
  rules: RuleSettings;
}

/** One bucket's state: what its next request would be told. */
export interface BucketState {
  rule: RuleName;
  subject: string;
  rate: Rate | 'off';
  /** Requests that would fit now; the rule's limit for a full (or never used) bucket. */
  remaining: number;
  /** Seconds until one more fits. */
  resetSeconds: number;
  limited: boolean;
}

export class RateLimitService {
  readonly #limiter: RateLimiter;
  readonly #rules: RuleSettings;
  readonly #tenants: TenantReader;
  readonly #clients: ClientReader;
  readonly #audit: AuditLog;

  constructor(options: { limiter: RateLimiter; rules: RuleSettings; storage: { tenants: TenantReader; clients: ClientReader; audit: AuditStore }; clock: Clock }) {
    this.#limiter = options.limiter;
    this.#rules = options.rules;
    this.#tenants = options.storage.tenants;
    this.#clients = options.storage.clients;
    this.#audit = new AuditLog(options.storage.audit, options.clock);
  }

  overview(): RateLimitOverview {
    return { rules: this.#rules, ...this.#limiter.stats() };
  }

  async inspect(rule: string, subject: string): Promise<BucketState> {
    const { name, key, rate } = await this.#bucket(rule, subject);
    if (rate === undefined) return { rule: name, subject: key, rate: 'off', remaining: 0, resetSeconds: 0, limited: false };
    return state(key, await this.#limiter.inspect(name, key, rate));
  }

  /**
   * Forgets the bucket: its next request finds it full. Audited, the entry
   * first: buckets live in the process or in Redis, outside the database, so
   * no transaction holds both; an entry for a reset that then failed is
   * better than a reset without one.
   */
  async reset(rule: string, subject: string, context: ChangeContext): Promise<BucketState> {
    const { name, key } = await this.#bucket(rule, subject);
    await this.#audit.record(context, key.includes('/') ? key.slice(0, key.indexOf('/')) : null, 'rate-limit.reset', `${name}:${key}`);
    await this.#limiter.reset(name, key);
    return this.inspect(name, key);
  }

  /** The rule, the subject as its buckets are keyed, and the rate that applies to it. */
  async #bucket(rule: string, subject: string): Promise<{ name: RuleName; key: string; rate: Rate | undefined }> {
    if (!Object.hasOwn(RATE_LIMIT_RULES, rule)) throw new AdminError('not_found', `no rate-limit rule '${rule}' (rules: ${RULE_NAMES.join(', ')})`);
    const name = rule as RuleName;
    const per = RATE_LIMIT_RULES[name].per;
    if (per === 'address') return { name, key: addressKey(subject), rate: effectiveRate(this.#rules, name) };
    const slash = subject.indexOf('/');
    if (slash <= 0 || slash === subject.length - 1) throw invalid('subject', `must be TENANT/${per === 'user' ? 'USERNAME' : 'CLIENT'} for rule ${name}`);
    const tenantId = subject.slice(0, slash);
    const tenant = await this.#tenants.getTenant(tenantId);
    if (tenant === undefined) throw new AdminError('not_found', `tenant '${tenantId}' does not exist`);
    const rest = subject.slice(slash + 1);
    if (per === 'user') {
      // Counted normalised, as logins are; a malformed name shares one bucket (core/users/authenticate-user.ts).
      const username = isValidUsername(rest) ? normalizeUsername(rest) : '(invalid)';
      return { name, key: `${tenantId}/${username}`, rate: effectiveRate(this.#rules, name, tenant) };
    }
    const client = name === 'admin' ? undefined : await this.#clients.getClient(tenantId, rest);
    return { name, key: `${tenantId}/${rest}`, rate: effectiveRate(this.#rules, name, tenant, client) };
  }
}

function state(subject: string, outcome: LimitOutcome): BucketState {
  return {
    rule: outcome.rule, subject, rate: outcome.rate, remaining: outcome.remaining,
    resetSeconds: outcome.remaining >= outcome.rate.limit ? 0 : outcome.resetSeconds, limited: !outcome.allowed,
  };
}

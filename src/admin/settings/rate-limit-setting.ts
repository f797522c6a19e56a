/**
 * The `rateLimit` setting of tenants and clients, declared once (field.ts):
 * its schema (a change merges the given members; `null` removes one, so the
 * level above applies again: client → tenant → server configuration), its
 * check (admin/rate-limit-settings.ts), and its command-line spelling:
 * `--rate-limit RULE=LIMIT/WINDOW` (`token=1000/10s`, `login=5/1m`),
 * `RULE=off`, or `RULE=default` to drop the override, repeatable; tenants add
 * `--secret-lockout-*` like the users' lockout flags.
 */
import { DEFAULT_SECRET_LOCKOUT } from '../../core/rate-limit/policy.ts';
import type { ClientRateLimits, TenantRateLimits } from '../../core/rate-limit/overrides.ts';
import { CLIENT_RULES, formatRate, MAX_LIMIT, MAX_WINDOW_SECONDS, parseRate, RATE_LIMIT_RULES, TENANT_RULES, type RateSetting } from '../../core/rate-limit/rules.ts';
import { invalid } from '../admin-error.ts';
import { applyRateLimitChange } from '../rate-limit-settings.ts';
import { integer, type Field, type JsonSchema } from './field.ts';

const DAY = 24 * 3600;

const RATE: JsonSchema = {
  oneOf: [
    { const: 'off', description: 'The rule does not apply' },
    {
      type: 'object', additionalProperties: false, required: ['limit', 'window'],
      properties: {
        limit: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, description: 'Requests per window, and the largest burst' },
        window: { type: 'integer', minimum: 1, maximum: MAX_WINDOW_SECONDS, description: 'Seconds' },
      },
    },
    { type: 'null', description: 'Drop this override: the level above applies again' },
  ],
};

const SECRET_LOCKOUT_DOC = 'Failed secrets that lock a client with an operator-chosen secret (shared by every instance through the database)';

const secretLockoutMembers = {
  maxFailures: integer({ doc: 'Consecutive failed secrets that lock the client; 0 turns the lockout off', min: 0, max: 1000, default: DEFAULT_SECRET_LOCKOUT.maxFailures, flag: 'secret-lockout-failures' }),
  waitIncrement: integer({ doc: 'Seconds of the first lock; the k-th lock in a row lasts k times this', min: 1, max: DAY, default: DEFAULT_SECRET_LOCKOUT.waitIncrement, flag: 'secret-lockout-wait', hint: 'SECONDS' }),
  maxWait: integer({ doc: 'Longest lock, seconds', min: 1, max: 30 * DAY, default: DEFAULT_SECRET_LOCKOUT.maxWait, flag: 'secret-lockout-max-wait', hint: 'SECONDS' }),
  failureReset: integer({ doc: 'Seconds without a failure after which the count starts afresh', min: 1, max: 30 * DAY, default: DEFAULT_SECRET_LOCKOUT.failureReset, flag: 'secret-lockout-reset', hint: 'SECONDS' }),
};

function schemaFor(scope: 'tenant' | 'client'): JsonSchema {
  const rules = scope === 'tenant' ? TENANT_RULES : CLIENT_RULES;
  const properties: Record<string, JsonSchema> = Object.fromEntries(rules.map((r) => [r, { ...RATE, description: RATE_LIMIT_RULES[r].doc }]));
  if (scope === 'tenant') {
    properties.secretLockout = {
      description: SECRET_LOCKOUT_DOC,
      type: ['object', 'null'],
      additionalProperties: false,
      properties: Object.fromEntries(Object.entries(secretLockoutMembers).map(([k, f]) => [k, f.schema])),
    };
  }
  return {
    type: 'object',
    additionalProperties: false,
    description: `Rate-limit overrides (docs/rate-limits.md); a change merges the given members, null removes one, so the ${scope === 'tenant' ? 'server’s setting' : 'tenant’s'} applies again`,
    properties,
  };
}

/** `RULE=LIMIT/WINDOW`, `RULE=off` or `RULE=default` (null: drop the override), as the CLI takes them. */
function readRates(given: string | boolean | string[]): Record<string, RateSetting | null> {
  const change: Record<string, RateSetting | null> = {};
  for (const item of Array.isArray(given) ? given : [String(given)]) {
    const eq = item.indexOf('=');
    const rule = item.slice(0, eq).trim();
    const text = item.slice(eq + 1).trim();
    const setting = text === 'default' ? null : parseRate(text);
    if (eq <= 0 || setting === undefined) throw invalid('rateLimit', `${item}: expected RULE=LIMIT/WINDOW (e.g. token=1000/10s), RULE=off or RULE=default`);
    change[rule] = setting;
  }
  return change;
}

export function rateLimitField(scope: 'tenant'): Field<TenantRateLimits>;
export function rateLimitField(scope: 'client'): Field<ClientRateLimits>;
export function rateLimitField(scope: 'tenant' | 'client'): Field<TenantRateLimits> {
  const example: TenantRateLimits = scope === 'tenant'
    ? { token: { limit: 1000, window: 10 }, secretLockout: Object.fromEntries(Object.entries(secretLockoutMembers).map(([k, f]) => [k, f.example])) as unknown as TenantRateLimits['secretLockout'] }
    : { token: { limit: 1000, window: 10 } };
  return {
    doc: 'Rate-limit overrides; absent members keep the level above',
    schema: schemaFor(scope),
    default: {},
    example,
    check: (value, path) => applyRateLimitChange(scope as 'tenant', value, {}, path),
    flag: {
      name: 'rate-limit',
      kind: 'value',
      multiple: true,
      hint: 'RULE=LIMIT/WINDOW',
      read: (given) => readRates(given as string | string[]),
      format: (value) => Object.entries(value as Record<string, RateSetting>).filter(([k]) => k !== 'secretLockout').map(([rule, rate]) => `${rule}=${formatRate(rate)}`),
    },
    memberFlags: scope === 'tenant' ? Object.entries(secretLockoutMembers).map(([k, field]) => ({ path: ['secretLockout', k], field: field as Field<unknown> })) : [],
  };
}

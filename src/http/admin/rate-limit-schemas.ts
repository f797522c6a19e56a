/**
 * JSON Schemas of the `rateLimit` setting of tenants and clients, for the
 * admin API's validation and its OpenAPI document. The values are checked
 * (ranges, members) by admin/rate-limit-settings.ts; these schemas give the
 * shape and the docs.
 */
import { CLIENT_RULES, MAX_LIMIT, MAX_WINDOW_SECONDS, RATE_LIMIT_RULES, TENANT_RULES } from '../../core/rate-limit/rules.ts';

const RATE = {
  oneOf: [
    { const: 'off', description: 'The rule does not apply' },
    {
      type: 'object', additionalProperties: false, required: ['limit', 'window'],
      properties: {
        limit: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, description: 'Requests per window, and the largest burst' },
        window: { type: 'integer', minimum: 1, maximum: MAX_WINDOW_SECONDS, description: 'Seconds' },
      },
    },
  ],
};

/** In a change, null removes the override (the level above applies again). */
const settable = (schema: object, description: string) => ({ description, oneOf: [...(schema as { oneOf?: object[] }).oneOf ?? [schema], { type: 'null' }] });

const SECRET_LOCKOUT = {
  type: 'object', additionalProperties: false,
  description: 'Failed secrets that lock a client with an operator-chosen secret (shared by every instance through the database)',
  properties: {
    maxFailures: { type: 'integer', description: 'Consecutive failed secrets that lock the client; 0 turns the lockout off' },
    waitIncrement: { type: 'integer', description: 'Seconds of the first lock; the k-th lock in a row lasts k times this' },
    maxWait: { type: 'integer', description: 'Longest lock, seconds' },
    failureReset: { type: 'integer', description: 'Seconds without a failure after which the count starts afresh' },
  },
};

function members(rules: readonly (keyof typeof RATE_LIMIT_RULES)[], change: boolean): Record<string, object> {
  return Object.fromEntries(rules.map((r) => [r, change ? settable(RATE, RATE_LIMIT_RULES[r].doc) : { ...RATE, description: RATE_LIMIT_RULES[r].doc }]));
}

const TENANT_DOC = 'Rate-limit overrides for this tenant’s clients and users (docs/rate-limits.md); absent members keep the server’s';
const CLIENT_DOC = 'Rate-limit overrides for this client (docs/rate-limits.md); absent members keep its tenant’s';

export const TENANT_RATE_LIMIT = { type: 'object', description: TENANT_DOC, properties: { ...members(TENANT_RULES, false), secretLockout: SECRET_LOCKOUT } };
export const TENANT_RATE_LIMIT_CHANGE = {
  type: 'object', additionalProperties: false,
  description: `${TENANT_DOC}; a change merges the given members, null removes one`,
  properties: { ...members(TENANT_RULES, true), secretLockout: settable(SECRET_LOCKOUT, SECRET_LOCKOUT.description) },
};
export const CLIENT_RATE_LIMIT = { type: 'object', description: CLIENT_DOC, properties: members(CLIENT_RULES, false) };
export const CLIENT_RATE_LIMIT_CHANGE = {
  type: 'object', additionalProperties: false,
  description: `${CLIENT_DOC}; a change merges the given members, null removes one`,
  properties: members(CLIENT_RULES, true),
};

/**
 * The rate-limit rules: what each counts, per what, and its default. Rule
 * names are stable: they name the policies in `RateLimit-Policy` headers, the
 * counters of limited requests, configuration keys and admin API paths.
 *
 * The defaults never throttle machine-to-machine use: plain traffic to the
 * OAuth endpoints (token, introspection, revocation) is not limited until an
 * operator sets a rate, server-wide or per tenant or client, because a
 * rightful client's volume depends on the deployment and one wrong guess
 * breaks it. What is limited from the start is what only abuse needs: many
 * failed credentials from one address, many logins to one user name, floods
 * of the admin API and the discovery documents, which a healthy fleet reads
 * rarely. docs/rate-limits.md explains each default and how to size them.
 */

/** `limit` requests per `window` seconds: at most `limit` at once, then one every `window / limit` seconds. */
export interface Rate {
  limit: number;
  /** Seconds. */
  window: number;
}

/** A rule's setting: a rate, or `off`. */
export type RateSetting = Rate | 'off';

/** What a rule's buckets are kept per. */
export type RuleSubject = 'address' | 'client' | 'user';

export interface RuleDefinition {
  per: RuleSubject;
  default: RateSetting;
  /** What it counts, for the docs and the OpenAPI document. */
  doc: string;
}

export const RATE_LIMIT_RULES = {
  token: { per: 'client', default: 'off', doc: 'Token requests of one authenticated client' },
  introspection: { per: 'client', default: 'off', doc: 'Introspection requests of one authenticated client' },
  revocation: { per: 'client', default: 'off', doc: 'Revocation requests of one authenticated client' },
  admin: { per: 'client', default: { limit: 600, window: 60 }, doc: 'Admin API requests of one administrator client (its Bearer token)' },
  login: { per: 'user', default: { limit: 10, window: 60 }, doc: 'Password-grant logins to one user name of a tenant, checked before the password' },
  failures: {
    per: 'address',
    default: { limit: 30, window: 60 },
    doc: 'Failed client authentications and logins from one address; when spent, further checks of chosen secrets and passwords from it are refused before any argon2id work',
  },
  'oauth-address': { per: 'address', default: 'off', doc: 'Requests from one address to the token, introspection and revocation endpoints' },
  'discovery-address': { per: 'address', default: { limit: 1200, window: 60 }, doc: 'Requests from one address for the metadata document and the JWKS' },
  'admin-address': { per: 'address', default: { limit: 600, window: 60 }, doc: 'Requests from one address to the admin API (before authentication) and to unknown paths' },
} as const satisfies Record<string, RuleDefinition>;

export type RuleName = keyof typeof RATE_LIMIT_RULES;
export const RULE_NAMES = Object.keys(RATE_LIMIT_RULES) as RuleName[];

/** Rules a tenant may override for its clients and users, and a client for itself. */
export const TENANT_RULES = ['token', 'introspection', 'revocation', 'login'] as const satisfies readonly RuleName[];
export const CLIENT_RULES = ['token', 'introspection', 'revocation'] as const satisfies readonly RuleName[];
export type TenantRule = (typeof TENANT_RULES)[number];
export type ClientRule = (typeof CLIENT_RULES)[number];

/** The server-wide setting of every rule. */
export type RuleSettings = Readonly<Record<RuleName, RateSetting>>;

export const DEFAULT_RULE_SETTINGS: RuleSettings = Object.fromEntries(
  RULE_NAMES.map((name) => [name, RATE_LIMIT_RULES[name].default]),
) as Record<RuleName, RateSetting>;

/** Largest window, seconds: a day. Longer quotas are not rate limits. */
export const MAX_WINDOW_SECONDS = 86_400;
export const MAX_LIMIT = 1_000_000;

/** Why `value` is not a rate setting, or undefined when it is one. */
export function rateSettingProblem(value: unknown): string | undefined {
  if (value === 'off') return undefined;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'must be "off" or an object {limit, window}';
  const { limit, window, ...rest } = value as Record<string, unknown>;
  const extra = Object.keys(rest)[0];
  if (extra !== undefined) return `has an unknown member '${extra}' (only limit and window)`;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) return `limit must be an integer from 1 to ${MAX_LIMIT}`;
  if (typeof window !== 'number' || !Number.isInteger(window) || window < 1 || window > MAX_WINDOW_SECONDS) return `window must be an integer from 1 to ${MAX_WINDOW_SECONDS} (seconds)`;
  return undefined;
}

/** `100/10s` for messages and the CLI; `off`. */
export function formatRate(setting: RateSetting): string {
  return setting === 'off' ? 'off' : `${setting.limit}/${setting.window}s`;
}

/**
 * Reads `100/10s`, `100/10` (seconds), `600/1m`, `5000/1h`, `off`: the
 * command line's and the environment's spelling of a rate.
 */
export function parseRate(text: string): RateSetting | undefined {
  if (text === 'off') return 'off';
  const m = /^(\d{1,7})\/(\d{1,5})(s|m|h)?$/.exec(text.trim());
  if (m === null) return undefined;
  const window = Number(m[2]) * (m[3] === 'h' ? 3600 : m[3] === 'm' ? 60 : 1);
  const rate = { limit: Number(m[1]), window };
  return rateSettingProblem(rate) === undefined ? rate : undefined;
}

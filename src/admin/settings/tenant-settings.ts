/** The settings of a tenant, declared once (see field.ts). */
import { DEFAULT_LOCKOUT_POLICY, DEFAULT_LOGIN_POLICY } from '../../core/login-policy.ts';
import { SIGNING_ALGORITHMS } from '../../core/model.ts';
import { parseOrigin } from '../../core/web-origin.ts';
import { invalid } from '../admin-error.ts';
import { CLIENT_ID, TENANT_ID } from '../validate.ts';
import { MAX_TOKEN_LIFETIME } from './client-settings.ts';
import { group, integer, list, nullable, oneOf, text, type Field, type SettingsOf } from './field.ts';
import { rateLimitField } from './rate-limit-setting.ts';

/** Seed 000's lifetime, and a common default. */
export const DEFAULT_ACCESS_TOKEN_LIFETIME = 3600;
const DAY = 24 * 3600;

function httpUrl(o: { doc: string; flag: string }): Field<string> {
  return {
    doc: o.doc,
    example: 'https://auth.example.com/t/acme',
    schema: { type: 'string', format: 'uri', 'x-error': 'must be an http(s) URL', description: o.doc, examples: ['https://auth.example.com/t/acme'] },
    check(value, path) {
      if (typeof value !== 'string' || !URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) throw invalid(path, 'must be an http(s) URL');
      return value.replace(/\/+$/, '');
    },
    flag: { name: o.flag, kind: 'value', hint: 'URL', read: (given) => given },
  };
}

const ORIGIN_ERROR = 'must be a web origin such as https://app.example.com (scheme, host and port only), or *';

/** One entry of a CORS allow-list, kept in the form browsers send in `Origin`. */
function webOrigin(): Field<string> {
  const doc = 'A web origin (`https://app.example.com`), or `*` for any';
  return {
    doc,
    example: 'https://app.example.com',
    schema: { type: 'string', 'x-error': ORIGIN_ERROR, description: doc, examples: ['https://app.example.com'] },
    check(value, path) {
      const origin = typeof value === 'string' ? parseOrigin(value) : undefined;
      if (origin === undefined) throw invalid(path, ORIGIN_ERROR);
      return origin;
    },
    flag: undefined,
  };
}

export const TENANT_SETTINGS = {
  issuer: httpUrl({ doc: 'The `iss` of the tenant’s JWTs and the base of its metadata', flag: 'issuer' }),
  signingAlg: oneOf({ doc: 'The JWS algorithm of the tenant’s JWT access tokens', values: SIGNING_ALGORITHMS, default: 'ES256', flag: 'alg' }),
  accessTokenLifetime: integer({ doc: 'Access-token lifetime in seconds, when a client sets none', min: 1, max: MAX_TOKEN_LIFETIME, default: DEFAULT_ACCESS_TOKEN_LIFETIME, flag: 'lifetime', hint: 'SECONDS' }),
  hosts: list({
    doc: 'Host names whose requests select this tenant',
    item: text({ doc: 'A host name', pattern: TENANT_ID, explain: 'must be a host name', example: 'auth.acme.example', transform: (h) => h.toLowerCase() }),
    default: [],
    flag: 'hosts',
    hint: 'h1,h2',
  }),
  corsOrigins: list({
    doc: 'Web origins whose browser scripts may call the tenant’s token, introspection, revocation, metadata and JWKS endpoints (CORS); `*` for any. Empty: none beyond the server’s `corsOrigins`',
    item: webOrigin(),
    default: [],
    flag: 'cors-origins',
    hint: 'https://app.example.com,…',
  }),
  loginPolicy: group({
    doc: 'How users log in (password grant); a change merges the given members over the stored policy',
    members: {
      lockout: group({
        doc: 'Brute-force lockout of users',
        members: {
          maxFailures: integer({ doc: 'Consecutive failed passwords that lock a user; 0 turns lockout off', min: 0, max: 1000, default: DEFAULT_LOCKOUT_POLICY.maxFailures, flag: 'lockout-failures' }),
          waitIncrement: integer({ doc: 'Seconds of the first lock; the k-th lock in a row lasts k times this', min: 1, max: DAY, default: DEFAULT_LOCKOUT_POLICY.waitIncrement, flag: 'lockout-wait', hint: 'SECONDS' }),
          maxWait: integer({ doc: 'Longest lock, seconds (at least the first lock)', min: 1, max: 30 * DAY, default: DEFAULT_LOCKOUT_POLICY.maxWait, flag: 'lockout-max-wait', hint: 'SECONDS' }),
          failureReset: integer({ doc: 'Seconds without a failure after which the count starts afresh', min: 1, max: 30 * DAY, default: DEFAULT_LOCKOUT_POLICY.failureReset, flag: 'lockout-reset', hint: 'SECONDS' }),
        },
      }),
      refreshTokenLifetime: integer({ doc: 'Seconds a login’s refresh tokens live', min: 60, max: MAX_TOKEN_LIFETIME, default: DEFAULT_LOGIN_POLICY.refreshTokenLifetime, flag: 'refresh-lifetime', hint: 'SECONDS' }),
      refreshTokenReuseGrace: integer({ doc: 'Seconds during which a used refresh token presented again is a retry', min: 0, max: 300, default: DEFAULT_LOGIN_POLICY.refreshTokenReuseGrace, flag: 'refresh-grace', hint: 'SECONDS' }),
      defaultPublicClient: nullable(text({ doc: '', pattern: CLIENT_ID, explain: 'must be a client id', example: 'mobile-app', flag: 'default-public-client', hint: 'CLIENT_ID' }), {
        default: null,
        doc: 'Public client that clientless token requests are attributed to (seed 003)',
      }),
    },
  }),
  rateLimit: rateLimitField('tenant'),
};

export type TenantSettings = SettingsOf<typeof TENANT_SETTINGS>;

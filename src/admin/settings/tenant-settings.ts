/** The settings of a tenant, declared once (see field.ts). */
import { DEFAULT_LOCKOUT_POLICY, DEFAULT_LOGIN_POLICY } from '../../core/login-policy.ts';
import { JWT_TYPES, KEY_ID_STYLES, SIGNING_ALGORITHMS } from '../../core/model.ts';
import { DEFAULT_JWT_PROFILE } from '../../core/tokens/jwt-profile.ts';
import { parseOrigin } from '../../core/web-origin.ts';
import { invalid } from '../admin-error.ts';
import { CLIENT_ID, TENANT_ID } from '../validate.ts';
import { MAX_TOKEN_LIFETIME } from './client-settings.ts';
import { claimMappers, group, integer, list, nullable, oneOf, text, type Field, type SettingsOf } from './field.ts';
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

const STRING_OR_URI = 'must be 1-255 visible characters, and a URI if it holds a colon (RFC 7519 StringOrURI)';

/** RFC 7519 §2 StringOrURI: "while arbitrary string values MAY be used, any value containing a ":" character MUST be a URI". */
function stringOrUri(o: { doc: string; flag: string; example: string }): Field<string> {
  return {
    doc: o.doc,
    example: o.example,
    schema: { type: 'string', pattern: '^[\\x21-\\x7e]{1,255}$', 'x-error': STRING_OR_URI, description: o.doc, examples: [o.example] },
    check(value, path) {
      if (typeof value !== 'string' || !/^[\x21-\x7e]{1,255}$/.test(value) || (value.includes(':') && !URL.canParse(value))) throw invalid(path, STRING_OR_URI);
      return value;
    },
    flag: { name: o.flag, kind: 'value', hint: 'ISSUER', read: (given) => given },
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
  jwt: group({
    doc: 'How the tenant’s JWT access tokens look (seeds 001 and 002); a change merges the given members over the stored ones',
    members: {
      issuer: nullable(stringOrUri({ doc: '', example: 'Deyel', flag: 'token-issuer' }), {
        default: null,
        doc: 'The tokens’ iss, any StringOrURI (seed 002: Deyel); null uses the issuer URL, which metadata always names',
      }),
      typ: oneOf({ doc: 'The JOSE header typ: at+jwt (RFC 9068), JWT (seed 001), or none (seed 002)', values: JWT_TYPES, default: DEFAULT_JWT_PROFILE.typ, flag: 'token-typ' }),
      keyIds: oneOf({ doc: 'The kid of the tenant’s keys: the RFC 7638 thumbprint, or k1, k2… by generation (seed 002)', values: KEY_ID_STYLES, default: DEFAULT_JWT_PROFILE.keyIds, flag: 'key-ids' }),
      claims: claimMappers({
        doc: 'Claims every JWT of the tenant carries (a client’s mappers win for the same claim): [{"claim": "company", "value": "CST"}]',
        example: [{ claim: 'company', value: 'CST' }],
        flag: 'claims',
      }),
    },
  }),
};

export type TenantSettings = SettingsOf<typeof TENANT_SETTINGS>;

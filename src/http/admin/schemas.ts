/**
 * JSON Schemas of the admin API's bodies and answers. Request schemas reject
 * unknown fields (`additionalProperties: false`); the services behind them
 * check values (patterns, ranges) and name the field at fault.
 */
import { GRANT_TYPES, SIGNING_ALGORITHMS } from '../../core/model.ts';
import type { JsonSchema } from './admin-route.ts';
import { CLIENT_RATE_LIMIT, CLIENT_RATE_LIMIT_CHANGE, TENANT_RATE_LIMIT, TENANT_RATE_LIMIT_CHANGE } from './rate-limit-schemas.ts';

const string = { type: 'string' } as const;
const strings = { type: 'array', items: { type: 'string' } } as const;
const integer = { type: 'integer' } as const;
const epochMs = { type: 'integer', description: 'Milliseconds since the Unix epoch' } as const;

export const PROBLEM: JsonSchema = {
  type: 'object',
  description: 'RFC 9457 problem details',
  properties: { type: string, title: string, status: integer, detail: string, field: { ...string, description: 'The field at fault, when one is' } },
  required: ['type', 'title', 'status', 'detail'],
};

export const OAUTH_ERROR: JsonSchema = {
  type: 'object',
  description: 'RFC 6750 error (authentication failures)',
  properties: { error: string, error_description: string },
  required: ['error'],
};

const lockoutPolicy = {
  type: 'object', additionalProperties: false,
  properties: {
    maxFailures: { type: 'integer', description: 'Consecutive failed passwords that lock a user; 0 turns lockout off' },
    waitIncrement: { type: 'integer', description: 'Seconds of the first lock; the k-th lock in a row lasts k times this' },
    maxWait: { type: 'integer', description: 'Longest lock, seconds' },
    failureReset: { type: 'integer', description: 'Seconds without a failure after which the count starts afresh' },
  },
};

const loginPolicy = {
  type: 'object', additionalProperties: false,
  description: 'How users log in (password grant); a PATCH merges the given members over the stored policy',
  properties: {
    lockout: lockoutPolicy,
    refreshTokenLifetime: { type: 'integer', description: 'Seconds a login’s refresh tokens live' },
    refreshTokenReuseGrace: { type: 'integer', description: 'Seconds during which a used refresh token presented again is a retry' },
    defaultPublicClient: { type: ['string', 'null'], description: 'Public client that clientless token requests are attributed to (seed 003)' },
  },
};

const tenantSettings = {
  issuer: { type: 'string', format: 'uri', description: 'iss of the tenant’s JWTs' },
  signingAlg: { type: 'string', enum: [...SIGNING_ALGORITHMS] },
  accessTokenLifetime: { type: 'integer', minimum: 1, description: 'Seconds, when a client sets none' },
  hosts: { ...strings, description: 'Host names whose requests select this tenant' },
  loginPolicy,
};

export const TENANT: JsonSchema = {
  type: 'object',
  properties: { id: string, ...tenantSettings, rateLimit: TENANT_RATE_LIMIT, createdAt: epochMs, updatedAt: epochMs },
  required: ['id', 'issuer', 'signingAlg', 'accessTokenLifetime', 'hosts', 'createdAt', 'updatedAt'],
};
export const TENANT_CREATE: JsonSchema = {
  type: 'object', additionalProperties: false, required: ['id', 'issuer'],
  properties: { id: { type: 'string', description: 'A host name (seed 001: example.com) or simple id' }, ...tenantSettings, rateLimit: TENANT_RATE_LIMIT_CHANGE },
};
export const TENANT_UPDATE: JsonSchema = { type: 'object', additionalProperties: false, minProperties: 1, properties: { ...tenantSettings, rateLimit: TENANT_RATE_LIMIT_CHANGE } };

const clientSettings = {
  name: string,
  grantTypes: { type: 'array', items: { type: 'string', enum: [...GRANT_TYPES] } },
  scopes: strings,
  accounts: { ...strings, description: 'Account numbers (seed 000) the client acts for; carried in its tokens' },
  tokenFormat: { type: 'string', enum: ['opaque', 'jwt'] },
  accessTokenLifetime: { type: ['integer', 'null'], minimum: 1, description: 'Seconds; null uses the tenant default' },
  audience: { type: ['string', 'null'], description: 'JWT aud; null uses the tenant issuer' },
  singleActiveToken: { type: 'boolean', description: 'Seed 003: a user’s login discards their earlier tokens for this client' },
  enabled: { type: 'boolean' },
};

export const CLIENT: JsonSchema = {
  type: 'object',
  properties: {
    tenantId: string, id: string, ...clientSettings, rateLimit: CLIENT_RATE_LIMIT, clientType: { type: 'string', enum: ['confidential', 'public'] },
    secrets: { type: 'array', description: 'Dates only: secrets are never shown again', items: { type: 'object', properties: { createdAt: epochMs, expiresAt: { type: ['integer', 'null'] } } } },
    createdAt: epochMs, updatedAt: epochMs,
  },
};
export const CLIENT_WITH_SECRET: JsonSchema = {
  type: 'object',
  properties: { client: CLIENT, clientSecret: { type: 'string', description: 'The generated secret, shown only in this answer' } },
};
export const CLIENT_CREATE: JsonSchema = {
  type: 'object', additionalProperties: false, required: ['id'],
  properties: {
    id: string,
    secret: { type: 'string', description: 'An operator-chosen secret (stored with argon2id); omit to have one generated' },
    clientType: { type: 'string', enum: ['confidential', 'public'], description: 'public: no secret, identified by client_id alone, never client credentials' },
    ...clientSettings,
    rateLimit: CLIENT_RATE_LIMIT_CHANGE,
  },
};
export const CLIENT_UPDATE: JsonSchema = { type: 'object', additionalProperties: false, minProperties: 1, properties: { ...clientSettings, rateLimit: CLIENT_RATE_LIMIT_CHANGE } };
export const ROTATE_SECRET: JsonSchema = {
  type: 'object', additionalProperties: false,
  properties: {
    overlapSeconds: { type: 'integer', minimum: 0, description: 'How long the current secrets keep working; default 0' },
    secret: { type: 'string', description: 'An operator-chosen secret; omit to have one generated' },
  },
};

export const ACCESS_NUMBER: JsonSchema = {
  type: 'object',
  properties: { tenantId: string, id: string, number: { type: 'string', description: 'E.164' }, label: string, createdAt: epochMs },
};
export const ACCESS_NUMBER_CREATE: JsonSchema = {
  type: 'object', additionalProperties: false, required: ['number'],
  properties: { number: { type: 'string', description: 'E.164, e.g. +61280001234' }, label: string },
};

const userSettings = {
  username: { type: 'string', description: 'Unique per tenant, matched case-insensitively' },
  role: { type: 'string', description: 'Shown to apps (seed 003’s role)' },
  phoneNumbers: strings,
  accounts: { ...strings, description: 'Account numbers the user acts for; carried in the user’s tokens' },
  enabled: { type: 'boolean' },
};

export const USER: JsonSchema = {
  type: 'object',
  description: 'A user; the password is never shown',
  properties: { tenantId: string, id: { type: 'string', description: 'UUID, the sub of the user’s tokens' }, ...userSettings, createdAt: epochMs, updatedAt: epochMs },
};
export const USER_CREATE: JsonSchema = {
  type: 'object', additionalProperties: false, required: ['username', 'password'],
  properties: { ...userSettings, password: { type: 'string', description: 'Stored as an argon2id hash' } },
};
export const USER_UPDATE: JsonSchema = {
  type: 'object', additionalProperties: false, minProperties: 1,
  properties: { ...userSettings, password: { type: 'string', description: 'A new password revokes the user’s tokens' } },
};
export const LOCK_STATE: JsonSchema = {
  type: 'object',
  properties: {
    locked: { type: 'boolean' }, failedCount: integer, lockedUntil: { type: ['integer', 'null'] },
    lastFailureAt: { type: ['integer', 'null'] }, lastFailureAddress: { type: ['string', 'null'] },
  },
};

export const KEY: JsonSchema = {
  type: 'object',
  properties: {
    kid: string, alg: string, generation: integer, state: { type: 'string', description: 'pending, active, verifying or retired' },
    createdAt: epochMs, activatesAt: epochMs, retiresAt: { type: ['integer', 'null'] },
  },
};
export const KEY_ROTATE: JsonSchema = {
  type: 'object', additionalProperties: false,
  properties: { prePublicationSeconds: { type: 'integer', minimum: 0, description: 'How long the new key is published before it signs; default keyPrePublicationSeconds' } },
};

export const AUDIT_ENTRY: JsonSchema = {
  type: 'object',
  properties: { at: epochMs, actor: string, tenantId: { type: ['string', 'null'] }, action: string, target: string, details: { type: 'object' } },
};

export function pageOf(item: JsonSchema): JsonSchema {
  return { type: 'object', properties: { items: { type: 'array', items: item }, page: integer, perPage: integer, total: integer }, required: ['items', 'page', 'perPage', 'total'] };
}

export function pathParams(...names: string[]): JsonSchema {
  return { type: 'object', required: names, properties: Object.fromEntries(names.map((n) => [n, { type: 'string', minLength: 1 }])) };
}

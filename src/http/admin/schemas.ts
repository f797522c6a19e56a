/**
 * JSON Schemas of the admin API's bodies and answers. Request schemas reject
 * unknown fields (`additionalProperties: false`); the services behind them
 * check values (patterns, ranges) and name the field at fault.
 */
import { CLIENT_SETTINGS } from '../../admin/settings/client-settings.ts';
import { schemaProperties } from '../../admin/settings/field.ts';
import { TENANT_SETTINGS } from '../../admin/settings/tenant-settings.ts';
import { USER_SETTINGS } from '../../admin/settings/user-settings.ts';
import type { JsonSchema } from './admin-route.ts';

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

const tenantSettings = schemaProperties(TENANT_SETTINGS);

export const TENANT: JsonSchema = {
  type: 'object',
  properties: {
    id: string, ...tenantSettings,
    issuerFollowsServer: { type: 'boolean', description: 'The issuer is the server’s own URL (publicUrl, or where it listens), set at each start; false once an issuer is given' },
    createdAt: epochMs, updatedAt: epochMs,
  },
  required: ['id', 'issuer', 'signingAlg', 'accessTokenLifetime', 'hosts', 'createdAt', 'updatedAt'],
};
export const TENANT_CREATE: JsonSchema = {
  type: 'object', additionalProperties: false, required: ['id', 'issuer'],
  properties: { id: { type: 'string', description: 'A host name (seed 001: example.com) or simple id' }, ...tenantSettings },
};
export const TENANT_UPDATE: JsonSchema = { type: 'object', additionalProperties: false, minProperties: 1, properties: tenantSettings };

const clientSettings = schemaProperties(CLIENT_SETTINGS);

export const CLIENT: JsonSchema = {
  type: 'object',
  properties: {
    tenantId: string, id: string, ...clientSettings, clientType: { type: 'string', enum: ['confidential', 'public'] },
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
  },
};
export const CLIENT_UPDATE: JsonSchema = { type: 'object', additionalProperties: false, minProperties: 1, properties: clientSettings };
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

const userSettings = schemaProperties(USER_SETTINGS);

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

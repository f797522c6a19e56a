/**
 * Row ↔ model mapping for PostgreSQL: the one place column names meet field
 * names. `pg` returns bigint columns as strings (a JS number cannot hold every
 * int8); Tessera's instants are milliseconds, far inside the safe range.
 */
import { withLoginDefaults } from '../../core/login-policy.ts';
import type {
  Client, ClientSecret, ClientType, GrantType, LoginPolicy, SigningAlgorithm, SigningKey, Tenant, TokenFormat, TokenKind, TokenRecord, User,
} from '../../core/model.ts';
import type { JWK } from 'jose';

export type Row = Record<string, unknown>;

const text = (v: unknown) => v as string;
const int = (v: unknown) => Number(v);
const nullable = <T>(v: unknown, map: (v: unknown) => T): T | null => (v == null ? null : map(v));
const texts = (v: unknown) => v as string[];

export const TENANT_COLUMNS = 'id, issuer, signing_alg, access_token_lifetime, login_policy, created_at, updated_at';

export function rowToTenant(r: Row): Tenant {
  return {
    id: text(r.id),
    issuer: text(r.issuer),
    signingAlg: text(r.signing_alg) as SigningAlgorithm,
    accessTokenLifetime: int(r.access_token_lifetime),
    hosts: texts(r.hosts),
    loginPolicy: withLoginDefaults((r.login_policy as Partial<LoginPolicy> | null) ?? null),
    createdAt: int(r.created_at),
    updatedAt: int(r.updated_at),
  };
}

export const CLIENT_COLUMNS =
  'tenant_id, id, name, secrets, grant_types, scopes, accounts, token_format, access_token_lifetime, audience, client_type, single_active_token, enabled, created_at, updated_at';

export function rowToClient(r: Row): Client {
  return {
    tenantId: text(r.tenant_id),
    id: text(r.id),
    name: text(r.name),
    secrets: r.secrets as ClientSecret[],
    grantTypes: texts(r.grant_types) as GrantType[],
    scopes: texts(r.scopes),
    accounts: texts(r.accounts),
    tokenFormat: text(r.token_format) as TokenFormat,
    accessTokenLifetime: nullable(r.access_token_lifetime, int),
    audience: nullable(r.audience, text),
    clientType: text(r.client_type) as ClientType,
    singleActiveToken: r.single_active_token === true,
    enabled: r.enabled === true,
    createdAt: int(r.created_at),
    updatedAt: int(r.updated_at),
  };
}

export const TOKEN_COLUMNS =
  'hash, kind, tenant_id, client_id, subject, scope, accounts, issued_at, expires_at, revoked_at, family_id, username';

export function rowToToken(r: Row): TokenRecord {
  return {
    hash: text(r.hash),
    kind: text(r.kind) as TokenKind,
    tenantId: text(r.tenant_id),
    clientId: text(r.client_id),
    subject: text(r.subject),
    scope: texts(r.scope),
    accounts: texts(r.accounts),
    issuedAt: int(r.issued_at),
    expiresAt: int(r.expires_at),
    revokedAt: nullable(r.revoked_at, int),
    familyId: nullable(r.family_id, text),
    username: nullable(r.username, text),
  };
}

export const KEY_COLUMNS = 'kid, tenant_id, alg, private_jwk, public_jwk, created_at, generation, activates_at, retires_at';

export function rowToKey(r: Row): SigningKey {
  return {
    kid: text(r.kid),
    tenantId: text(r.tenant_id),
    alg: text(r.alg) as SigningAlgorithm,
    privateJwk: r.private_jwk as JWK,
    publicJwk: r.public_jwk as JWK,
    createdAt: int(r.created_at),
    generation: int(r.generation),
    activatesAt: int(r.activates_at),
    retiresAt: nullable(r.retires_at, int),
  };
}

export const USER_COLUMNS = 'tenant_id, id, username, password_hash, role, phone_numbers, accounts, enabled, created_at, updated_at';

export function rowToUser(r: Row): User {
  return {
    tenantId: text(r.tenant_id),
    id: text(r.id),
    username: text(r.username),
    passwordHash: text(r.password_hash),
    role: text(r.role),
    phoneNumbers: texts(r.phone_numbers),
    accounts: texts(r.accounts),
    enabled: r.enabled === true,
    createdAt: int(r.created_at),
    updatedAt: int(r.updated_at),
  };
}


/** Row ↔ model mapping for SQLite: the one place column names meet field names. */
import { withLoginDefaults } from '../../core/login-policy.ts';
import type { Client, ClientType, GrantType, SigningAlgorithm, SigningKey, Tenant, TokenFormat, TokenKind, TokenRecord, User } from '../../core/model.ts';

export type Row = Record<string, unknown>;

const text = (v: unknown) => v as string;
const int = (v: unknown) => Number(v);

export function rowToTenant(r: Row): Tenant {
  return {
    id: text(r.id),
    issuer: text(r.issuer),
    signingAlg: text(r.signing_alg) as SigningAlgorithm,
    accessTokenLifetime: int(r.access_token_lifetime),
    hosts: JSON.parse(text(r.hosts)) as string[],
    loginPolicy: withLoginDefaults(r.login_policy == null ? null : JSON.parse(text(r.login_policy))),
    createdAt: int(r.created_at),
    updatedAt: int(r.updated_at),
  };
}

export function rowToClient(r: Row): Client {
  return {
    tenantId: text(r.tenant_id),
    id: text(r.id),
    name: text(r.name),
    secrets: JSON.parse(text(r.secrets)),
    grantTypes: JSON.parse(text(r.grant_types)) as GrantType[],
    scopes: JSON.parse(text(r.scopes)) as string[],
    accounts: JSON.parse(text(r.accounts)) as string[],
    tokenFormat: text(r.token_format) as TokenFormat,
    accessTokenLifetime: r.access_token_lifetime == null ? null : int(r.access_token_lifetime),
    audience: r.audience == null ? null : text(r.audience),
    clientType: text(r.client_type) as ClientType,
    singleActiveToken: int(r.single_active_token) === 1,
    enabled: int(r.enabled) === 1,
    createdAt: int(r.created_at),
    updatedAt: int(r.updated_at),
  };
}

export function rowToToken(r: Row): TokenRecord {
  const scope = text(r.scope);
  return {
    hash: text(r.hash),
    kind: text(r.kind) as TokenKind,
    tenantId: text(r.tenant_id),
    clientId: text(r.client_id),
    subject: text(r.subject),
    scope: scope === '' ? [] : scope.split(' '),
    accounts: JSON.parse(text(r.accounts)) as string[],
    issuedAt: int(r.issued_at),
    expiresAt: int(r.expires_at),
    revokedAt: r.revoked_at == null ? null : int(r.revoked_at),
    familyId: r.family_id == null ? null : text(r.family_id),
    username: r.username == null ? null : text(r.username),
  };
}

export function rowToKey(r: Row): SigningKey {
  return {
    kid: text(r.kid),
    tenantId: text(r.tenant_id),
    alg: text(r.alg) as SigningAlgorithm,
    privateJwk: JSON.parse(text(r.private_jwk)),
    publicJwk: JSON.parse(text(r.public_jwk)),
    createdAt: int(r.created_at),
    generation: int(r.generation),
    activatesAt: int(r.activates_at),
    retiresAt: r.retires_at == null ? null : int(r.retires_at),
  };
}

export function rowToUser(r: Row): User {
  return {
    tenantId: text(r.tenant_id),
    id: text(r.id),
    username: text(r.username),
    passwordHash: text(r.password_hash),
    role: text(r.role),
    phoneNumbers: JSON.parse(text(r.phone_numbers)) as string[],
    accounts: JSON.parse(text(r.accounts)) as string[],
    enabled: int(r.enabled) === 1,
    createdAt: int(r.created_at),
    updatedAt: int(r.updated_at),
  };
}


/**
 * Row → model mapping, the one place column names meet field names, shared
 * by the SQL adapters. What differs between the drivers is only how a column
 * arrives (JSON text or jsonb, a JSON array or `text[]`, 0/1 or a boolean,
 * `bigint` as a string), and each adapter supplies that as a
 * {@link ColumnDecoder}. Every value returned is frozen all the way down:
 * callers share it (see read-only-fields.ts).
 */
import { withLoginDefaults } from '../core/login-policy.ts';
import type {
  AccessNumber, Attributes, AuditEntry, ClaimMapper, Client, ClientSecret, ClientType, GrantType, JwtProfile, LockState, LoginPolicy, SigningAlgorithm,
  SigningKey, Tenant, TokenFormat, TokenKind, TokenRecord, User,
} from '../core/model.ts';
import { withJwtDefaults } from '../core/tokens/jwt-profile.ts';
import type { JWK } from 'jose';
import type { ClientRateLimits, TenantRateLimits } from '../core/rate-limit/overrides.ts';
import { deepFreeze } from './read-only-fields.ts';

export type Row = Record<string, unknown>;

/** How one driver hands over the column types Tessera uses. */
export interface ColumnDecoder {
  /** A JSON document column (SQLite: text; PostgreSQL: jsonb, already parsed). */
  json<T>(value: unknown): T;
  /** A list of strings (SQLite: a JSON array in text; PostgreSQL: `text[]`). */
  strings(value: unknown): string[];
  /** A granted scope (SQLite: space-delimited text; PostgreSQL: `text[]`). */
  scope(value: unknown): string[];
  /** A boolean (SQLite: 0 or 1; PostgreSQL: boolean). */
  boolean(value: unknown): boolean;
}

const text = (v: unknown) => v as string;
/** Instants are milliseconds, far inside the safe integer range; `pg` returns int8 as a string. */
const int = (v: unknown) => Number(v);
const nullable = <T>(v: unknown, map: (v: unknown) => T): T | null => (v == null ? null : map(v));

export interface RowMapper {
  tenant(r: Row): Tenant;
  client(r: Row): Client;
  token(r: Row): TokenRecord;
  key(r: Row): SigningKey;
  user(r: Row): User;
  accessNumber(r: Row): AccessNumber;
  auditEntry(r: Row): AuditEntry;
  /** A missing row is a user who never failed: all zero. */
  lockState(r: Row | undefined): LockState;
}

export function createRowMapper(d: ColumnDecoder): RowMapper {
  return {
    tenant: (r) =>
      deepFreeze({
        id: text(r.id),
        issuer: text(r.issuer),
        signingAlg: text(r.signing_alg) as SigningAlgorithm,
        accessTokenLifetime: int(r.access_token_lifetime),
        hosts: d.strings(r.hosts),
        loginPolicy: withLoginDefaults(nullable(r.login_policy, (v) => d.json<Partial<LoginPolicy>>(v))),
        corsOrigins: d.strings(r.cors_origins),
        issuerFollowsServer: d.boolean(r.issuer_follows_server),
        rateLimit: nullable(r.rate_limit, (v) => d.json<TenantRateLimits>(v)) ?? {},
        jwt: withJwtDefaults(nullable(r.jwt_profile, (v) => d.json<Partial<JwtProfile>>(v))),
        // Present once a key was revoked: a tenant read back equals the one stored until then.
        ...(r.keys_revision == null || int(r.keys_revision) === 0 ? {} : { keysRevision: int(r.keys_revision) }),
        createdAt: int(r.created_at),
        updatedAt: int(r.updated_at),
      }),
    client: (r) =>
      deepFreeze({
        tenantId: text(r.tenant_id),
        id: text(r.id),
        name: text(r.name),
        secrets: d.json<ClientSecret[]>(r.secrets),
        grantTypes: d.strings(r.grant_types) as GrantType[],
        scopes: d.strings(r.scopes),
        accounts: d.strings(r.accounts),
        tokenFormat: text(r.token_format) as TokenFormat,
        accessTokenLifetime: nullable(r.access_token_lifetime, int),
        audience: nullable(r.audience, text),
        clientType: text(r.client_type) as ClientType,
        singleActiveToken: d.boolean(r.single_active_token),
        rateLimit: nullable(r.rate_limit, (v) => d.json<ClientRateLimits>(v)) ?? {},
        attributes: d.json<Attributes>(r.attributes),
        claims: d.json<ClaimMapper[]>(r.claims),
        enabled: d.boolean(r.enabled),
        createdAt: int(r.created_at),
        updatedAt: int(r.updated_at),
      }),
    token: (r) =>
      deepFreeze({
        hash: text(r.hash),
        kind: text(r.kind) as TokenKind,
        tenantId: text(r.tenant_id),
        clientId: text(r.client_id),
        subject: text(r.subject),
        scope: d.scope(r.scope),
        accounts: d.strings(r.accounts),
        issuedAt: int(r.issued_at),
        expiresAt: int(r.expires_at),
        revokedAt: nullable(r.revoked_at, int),
        familyId: nullable(r.family_id, text),
        username: nullable(r.username, text),
      }),
    key: (r) =>
      deepFreeze({
        kid: text(r.kid),
        tenantId: text(r.tenant_id),
        alg: text(r.alg) as SigningAlgorithm,
        // Text on both engines: it holds the private half as the key service writes it.
        privateJwk: nullable(r.private_key, (v) => JSON.parse(text(v)) as JWK),
        publicJwk: d.json<JWK>(r.public_jwk),
        createdAt: int(r.created_at),
        generation: int(r.generation),
        activatesAt: int(r.activates_at),
        retiresAt: nullable(r.retires_at, int),
      }),
    user: (r) =>
      deepFreeze({
        tenantId: text(r.tenant_id),
        id: text(r.id),
        // `username` holds the normal form the unique index keeps; users created before names kept their case have only that.
        username: nullable(r.username_given, text) ?? text(r.username),
        passwordHash: text(r.password_hash),
        role: text(r.role),
        phoneNumbers: d.strings(r.phone_numbers),
        accounts: d.strings(r.accounts),
        attributes: d.json<Attributes>(r.attributes),
        enabled: d.boolean(r.enabled),
        createdAt: int(r.created_at),
        updatedAt: int(r.updated_at),
      }),
    accessNumber: (r) =>
      deepFreeze({ tenantId: text(r.tenant_id), id: text(r.id), number: text(r.number), label: text(r.label), createdAt: int(r.created_at) }),
    auditEntry: (r) =>
      deepFreeze({
        at: int(r.at),
        actor: text(r.actor),
        tenantId: nullable(r.tenant_id, text),
        action: text(r.action),
        target: text(r.target),
        details: d.json<Record<string, unknown>>(r.details),
      }),
    lockState: (r) =>
      r === undefined
        ? { failedCount: 0, lockedUntil: null, lastFailureAt: null, lastFailureAddress: null }
        : {
            failedCount: int(r.failed_count),
            lockedUntil: nullable(r.locked_until, int),
            lastFailureAt: nullable(r.last_failure_at, int),
            lastFailureAddress: nullable(r.last_failure_address, text),
          },
  };
}

/** A `rate_limit` column's value: the overrides as JSON, or NULL when there are none. */
export function rateLimitColumn(overrides: object): string | null {
  return Object.keys(overrides).length === 0 ? null : JSON.stringify(overrides);
}

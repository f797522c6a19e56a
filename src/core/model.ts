/**
 * The domain model: what the protocol core reasons about and what the stores
 * persist. camelCase throughout; the wire's snake_case is mapped in one place
 * per binding (src/http), never here.
 */
import type { JWK } from 'jose';
import type { LockoutPolicy } from './lockout-policy.ts';
import type { ClientRateLimits, TenantRateLimits } from './rate-limit/overrides.ts';

export type { LockoutPolicy } from './lockout-policy.ts';

/** How an access token is represented on the wire. */
export type TokenFormat = 'opaque' | 'jwt';

/** JWS algorithms Tessera signs access tokens with (never `none`, never HMAC). */
export const SIGNING_ALGORITHMS = ['ES256', 'RS256', 'EdDSA'] as const;
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];

/** Grant types a client may be allowed; handlers for each live in core/grants. */
export const GRANT_TYPES = ['client_credentials', 'password', 'refresh_token'] as const;
export type GrantType = (typeof GRANT_TYPES)[number];

/** A JSON value: what free-form attributes and static claims hold. */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [member: string]: JsonValue };

/**
 * Free-form attributes of a client or user (as Keycloak's attributes): names
 * to JSON values, which claim mappers copy into tokens.
 */
export type Attributes = Readonly<Record<string, JsonValue>>;

/**
 * One claim mapper, after Keycloak's protocol mappers: a claim that JWT access
 * tokens carry, from exactly one source — a value set here (a hardcoded
 * claim), a client attribute, or a user attribute (user grants). A mapper
 * whose attribute is absent adds nothing. `sub` may be mapped (a string);
 * the claims Tessera and verifiers rely on may not (see RESERVED_CLAIMS).
 */
export type ClaimMapper =
  | { readonly claim: string; readonly value: JsonValue }
  | { readonly claim: string; readonly clientAttribute: string }
  | { readonly claim: string; readonly userAttribute: string };

/** The JOSE header `typ` a tenant's JWT access tokens carry: RFC 9068's `at+jwt`, `JWT`, or none. */
export const JWT_TYPES = ['at+jwt', 'JWT', 'none'] as const;
export type JwtType = (typeof JWT_TYPES)[number];

/** How the `kid` of a tenant's keys reads: the RFC 7638 thumbprint, or `k` and the key's generation (seed 002's `k1`). */
export const KEY_ID_STYLES = ['thumbprint', 'generation'] as const;
export type KeyIdStyle = (typeof KEY_ID_STYLES)[number];

/** How a tenant's JWT access tokens look (seeds 001 and 002), beyond what RFC 9068 fixes. */
export interface JwtProfile {
  /**
   * The tokens' `iss`, any StringOrURI (RFC 7519 §2; seed 002: `Deyel`); null
   * uses the tenant's issuer URL. RFC 8414 metadata always names the URL.
   */
  issuer: string | null;
  typ: JwtType;
  keyIds: KeyIdStyle;
  /** Claims every JWT of the tenant carries; a client's mappers win over these for the same claim. */
  claims: readonly ClaimMapper[];
}

/** An isolated issuer with its own clients, keys and token settings. */
export interface Tenant {
  /** Stable id; seed 001 uses a host name such as `example.com`. */
  id: string;
  /** The `iss` of its JWTs and the base of its metadata. */
  issuer: string;
  signingAlg: SigningAlgorithm;
  /** Default access-token lifetime in seconds, when the client sets none. */
  accessTokenLifetime: number;
  /** Host names (Host header) that select this tenant. */
  hosts: readonly string[];
  /** How users log in to this tenant: lockout, refresh tokens, clientless requests. */
  loginPolicy: LoginPolicy;
  /**
   * Web origins (`https://app.example.com`, or `*`) whose scripts may call the
   * tenant's token, introspection, revocation, metadata and JWKS endpoints
   * from a browser (CORS). Empty: none, beyond the server's own list.
   */
  corsOrigins: readonly string[];
  /**
   * True when the issuer is the server's own URL (`publicUrl`, or where it
   * listens) rather than one an operator chose: `tessera serve` sets it at
   * every start, so it follows the configuration and the port. Setting an
   * issuer explicitly makes it false.
   */
  issuerFollowsServer: boolean;
  /** Rate-limit and secret-lockout overrides for its clients and users (rate-limit/overrides.ts); `{}` keeps the server's. */
  rateLimit: TenantRateLimits;
  /** How its JWT access tokens look: issuer string, header `typ`, `kid` naming, claim mappers. */
  jwt: JwtProfile;
  /**
   * Raised with every key revocation, in the revocation's transaction, so
   * every process (which re-reads the tenant on each request through its
   * coherent read cache) re-reads the tenant's keys at once. Absent on a
   * tenant not yet stored: 0.
   */
  keysRevision?: number;
  createdAt: number;
  updatedAt: number;
}

/** Per-tenant settings for user logins (the password grant and its refresh tokens). */
export interface LoginPolicy {
  lockout: LockoutPolicy;
  /**
   * Seconds a refresh token family lives from the login. Rotation hands on
   * the expiry, it never extends it: the user signs in again after this.
   */
  refreshTokenLifetime: number;
  /**
   * Seconds after a refresh token was used during which presenting it again
   * is taken for a client retrying after a lost response, not for theft.
   */
  refreshTokenReuseGrace: number;
  /**
   * The public client that token requests without any client credentials are
   * attributed to (seed 003's curl sends none); null refuses such requests.
   */
  defaultPublicClient: string | null;
}

/** One stored client secret. Only its hash is kept. */
export interface ClientSecret {
  /** `sha256$…` for generated secrets, `$argon2id$…` for operator-chosen ones. */
  hash: string;
  createdAt: number;
  /** After this instant (ms) the secret no longer authenticates; null = no expiry. */
  expiresAt: number | null;
}

/**
 * RFC 6749 §2.1: "confidential" clients can keep a secret; "public" clients
 * (apps on a user's device) cannot and are identified by `client_id` alone.
 */
export type ClientType = 'confidential' | 'public';

/** A machine identity. */
export interface Client {
  tenantId: string;
  id: string;
  name: string;
  secrets: readonly ClientSecret[];
  grantTypes: readonly GrantType[];
  /** Scopes the client may request; an empty list means no scope at all. */
  scopes: readonly string[];
  /** Account numbers (seed 000) the client may act for; carried in its tokens. */
  accounts: readonly string[];
  tokenFormat: TokenFormat;
  /** Access-token lifetime in seconds; null falls back to the tenant's. */
  accessTokenLifetime: number | null;
  /** JWT `aud`; null uses the tenant issuer. */
  audience: string | null;
  /** Public clients have no secrets and may not use the client credentials grant. */
  clientType: ClientType;
  /**
   * Seed 003: "Every time you call the Token API with valid credentials, the
   * platform issues a new token to your application and discards any existing
   * tokens." When true, a user's login revokes that user's earlier access and
   * refresh tokens for this client.
   */
  singleActiveToken: boolean;
  /** Rate-limit overrides for this client (rate-limit/overrides.ts); `{}` keeps its tenant's. */
  rateLimit: ClientRateLimits;
  /** Free-form attributes, for claim mappers. */
  attributes: Attributes;
  /** Claims the client's JWTs carry, over the tenant's (see ClaimMapper). */
  claims: readonly ClaimMapper[];
  enabled: boolean;
  createdAt: number;
  updatedAt: number;
}

/** A person who logs in with the password grant. */
export interface User {
  tenantId: string;
  /** A random UUID: the `sub` of the user's tokens, stable across renames. */
  id: string;
  /**
   * As the operator created it (seed 003 answers `userName` so); unique per
   * tenant and matched case-insensitively through its normal form (see normalizeUsername).
   */
  username: string;
  /** argon2id PHC string; never the password. */
  passwordHash: string;
  /** Free text shown to apps (seed 003's `role`, e.g. `Administrator`). */
  role: string;
  phoneNumbers: readonly string[];
  /** Account numbers the user may act for; carried in the user's tokens. */
  accounts: readonly string[];
  /** Free-form attributes, for claim mappers. */
  attributes: Attributes;
  /** A disabled user cannot log in or refresh. */
  enabled: boolean;
  createdAt: number;
  updatedAt: number;
}

/** A user's brute-force record, as the store keeps it. */
export interface LockState {
  /** Consecutive failed passwords counted towards lockout (see LockoutPolicy). */
  failedCount: number;
  /** ms; the user is locked while now < lockedUntil. */
  lockedUntil: number | null;
  lastFailureAt: number | null;
  /** The client address of the last failure, for operators. */
  lastFailureAddress: string | null;
}

export type TokenKind = 'access' | 'refresh';

/** What is persisted for an opaque token: never the token, only its hash. */
export interface TokenRecord {
  /** The token's storage key (see core/tokens/storage-key.ts): a SHA-256 of the full token string, after its issue time for opaque tokens. */
  hash: string;
  kind: TokenKind;
  tenantId: string;
  clientId: string;
  /** `sub`: the client id for client credentials, the user id for user grants. */
  subject: string;
  scope: readonly string[];
  accounts: readonly string[];
  issuedAt: number;
  expiresAt: number;
  revokedAt: number | null;
  /**
   * Tokens descended from one grant (one login) share a family id, so a
   * reused refresh token or a revocation can revoke them together. Null for
   * tokens that belong to no family.
   */
  familyId: string | null;
  /** The user's name for user grants, null for client grants (introspection reports it). */
  username: string | null;
}

/** A phone access number of a tenant (seed 001's "Export Access Numbers"). */
export interface AccessNumber {
  tenantId: string;
  /** UUID. */
  id: string;
  /** E.164, e.g. `+61280001234`. */
  number: string;
  label: string;
  createdAt: number;
}

/** One entry of the audit log: who changed what, when. Never holds a secret. */
export interface AuditEntry {
  at: number;
  /** Who: `client:<tenant>/<client id>` for the admin API, `cli:<os user>` for the CLI. */
  actor: string;
  /** The tenant the change concerns, or null for installation-wide changes. */
  tenantId: string | null;
  /** Verb-noun, e.g. `client.create`, `client.rotate-secret`. */
  action: string;
  /** The id of the changed object. */
  target: string;
  /** What changed (field names and non-secret values). */
  details: Record<string, unknown>;
}

/**
 * A tenant's signing key pair, as JWKs, with its place in the rotation.
 *
 * A key is published in the JWKS from `createdAt`, signs from `activatesAt`
 * until a later generation activates, and leaves the JWKS at `retiresAt`,
 * once every token it signed has expired. Which key signs is derived from
 * these stored instants and the clock, never from process state, so every
 * server process on one database agrees.
 */
export interface SigningKey {
  tenantId: string;
  kid: string;
  alg: SigningAlgorithm;
  /**
   * The private half; null once the key no longer signs (a successor
   * activated or it was retired): a key that only verifies needs none, and a
   * deleted private half cannot leak.
   */
  privateJwk: JWK | null;
  publicJwk: JWK;
  createdAt: number;
  /** 1 for a tenant's first key of `alg`, +1 per rotation; unique per (tenant, alg). */
  generation: number;
  /** ms since the epoch from which the key may sign (createdAt + the pre-publication delay). */
  activatesAt: number;
  /** ms since the epoch at which the key leaves the JWKS; null while it is current or pending. */
  retiresAt: number | null;
}

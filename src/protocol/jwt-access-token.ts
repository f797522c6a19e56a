/**
 * The claims of a JWT access token, written and read in one place: Tessera
 * mints them (core/tokens/jwt.ts), reads them back for introspection and the
 * admin API (core/tokens/token-inspection.ts), and `tessera/verify` reads
 * them in resource servers. Dependency-free, so it runs on any runtime.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9068#section-2.2
 */

/** RFC 9068 §2.1: "Resource servers MUST verify that the typ header value is at+jwt". */
export const JWT_ACCESS_TOKEN_TYPE = 'at+jwt';

/**
 * RFC 9068 §2.2: "iss REQUIRED, exp REQUIRED, aud REQUIRED, sub REQUIRED,
 * client_id REQUIRED, iat REQUIRED, jti REQUIRED". Every reader demands them all.
 */
export const REQUIRED_CLAIMS = ['iss', 'exp', 'aud', 'sub', 'client_id', 'iat', 'jti'] as const;

/**
 * Claims no mapper may set: those RFC 9068 fixes and verifiers check (`iss`,
 * `exp`, `nbf`, `iat`, `jti`, `aud`, `client_id`, `scope`) and those Tessera's
 * readers rely on (`tenant`, `accounts`, `username`). `sub` is not among
 * them: a mapper may name the subject (seed 002's `sub: "DEYELBOT"`).
 */
export const RESERVED_CLAIMS: readonly string[] = ['iss', 'exp', 'nbf', 'iat', 'jti', 'aud', 'client_id', 'scope', 'tenant', 'accounts', 'username'];
const RESERVED = new Set(RESERVED_CLAIMS);

/** What an access token says, in domain terms (instants in ms). */
export interface AccessTokenClaims {
  issuer: string;
  /** ms since the epoch. */
  expiresAt: number;
  audience: readonly string[];
  /** The client id for client credentials, the user id for user grants. */
  subject: string;
  clientId: string;
  /** ms since the epoch. */
  issuedAt: number;
  jwtId: string;
  /** The Tessera tenant that issued it. */
  tenant: string;
  scope: readonly string[];
  /** Account numbers (seed 000) the token may act for. */
  accounts: readonly string[];
  /** The user's name, for user grants. */
  username: string | undefined;
}

/**
 * The JSON payload of a token, in RFC 9068 §2.2's order. `scope` (a
 * space-delimited string, §2.2.3), `accounts` and `username` are present only
 * when they have a value. `extra` claims (a tenant's and client's claim
 * mappers) follow, never replacing one of the {@link RESERVED_CLAIMS}.
 */
export function accessTokenPayload(claims: AccessTokenClaims, extra: Readonly<Record<string, unknown>> = {}): Record<string, unknown> {
  const payload: Record<string, unknown> = {
    iss: claims.issuer,
    exp: Math.floor(claims.expiresAt / 1000),
    aud: claims.audience.length === 1 ? claims.audience[0] : [...claims.audience],
    sub: claims.subject,
    client_id: claims.clientId,
    iat: Math.floor(claims.issuedAt / 1000),
    jti: claims.jwtId,
    tenant: claims.tenant,
  };
  if (claims.scope.length > 0) payload.scope = claims.scope.join(' ');
  if (claims.accounts.length > 0) payload.accounts = [...claims.accounts];
  if (claims.username !== undefined) payload.username = claims.username;
  for (const [name, value] of Object.entries(extra)) {
    if (!RESERVED.has(name) && name !== 'sub' && value !== undefined) payload[name] = value;
  }
  return payload;
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * Reads a verified payload into {@link AccessTokenClaims}; undefined when a
 * required claim is missing or of the wrong type. Signature, `typ`, issuer,
 * audience and time checks are the caller's (they need keys and a clock).
 */
export function readAccessTokenClaims(payload: Readonly<Record<string, unknown>>): AccessTokenClaims | undefined {
  const { iss, exp, aud, sub, client_id: clientId, iat, jti, tenant, scope, accounts, username } = payload;
  if (!isString(iss) || !isNumber(exp) || !isString(sub) || !isString(clientId) || !isNumber(iat) || !isString(jti) || !isString(tenant)) return undefined;
  const audience = isString(aud) ? [aud] : Array.isArray(aud) && aud.every(isString) ? aud : undefined;
  if (audience === undefined) return undefined;
  return {
    issuer: iss,
    expiresAt: exp * 1000,
    audience,
    subject: sub,
    clientId,
    issuedAt: iat * 1000,
    jwtId: jti,
    tenant,
    scope: isString(scope) ? scope.split(' ').filter((s) => s !== '') : [],
    accounts: Array.isArray(accounts) ? accounts.filter(isString) : [],
    username: isString(username) ? username : undefined,
  };
}

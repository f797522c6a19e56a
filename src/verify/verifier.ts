/**
 * The resource side of Tessera: takes a request's headers and answers with
 * who the access token speaks for, or with the RFC 6750 error to send back.
 * JWT access tokens are verified locally against the issuer's JWKS; opaque
 * ones by introspection. Framework middleware (fastify.ts, express.ts,
 * web.ts) are thin wrappers over {@link BearerVerifier.authenticate}.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6750
 * @see https://www.rfc-editor.org/rfc/rfc9068#section-4
 * @see https://www.rfc-editor.org/rfc/rfc7662
 */
import { BearerError } from './bearer-error.ts';
import { extractBearerToken, type BearerRequest } from './bearer-request.ts';
import { createIntrospectionVerifier, type OpaqueVerifier } from './introspection-client.ts';
import { JWT_ACCESS_TOKEN_TYPE } from '../protocol/jwt-access-token.ts';
import { createJwtVerifier, DEFAULT_ALGORITHMS } from './jwt-access-token.ts';
import type { BearerAuth, Principal } from './principal.ts';
import { requireScopes, selectAccounts } from './requirements.ts';
import { createTenantBinding } from './tenant-binding.ts';

export interface IntrospectionSettings {
  /** Default `<issuer>/oauth/introspect`. */
  endpoint?: string;
  /** The resource server's own confidential client at the issuer (only confidential clients may introspect). */
  clientId: string;
  clientSecret: string;
  /** How long an introspection answer is reused; default 30 s, at most 300 s. Bounds how late a revocation is noticed. */
  cacheTtlSeconds?: number;
  /** Most answers cached; default 10 000. */
  maxCacheEntries?: number;
}

export interface BearerVerifierOptions {
  /** The issuer identifier: the tenant's issuer URL, e.g. `https://auth.example.com/t/acme` (the base of the default endpoints). */
  issuer: string;
  /**
   * The `iss` tokens carry when the tenant issues a plain string rather than
   * its URL (its `jwt.issuer`, seed 002's `Deyel`); compared exactly.
   * Default: `issuer`.
   */
  tokenIssuer?: string;
  /**
   * The JOSE header `typ` JWT access tokens must carry: default `at+jwt`
   * (RFC 9068 §4); the tenant's `jwt.typ` when it writes another (`JWT`), or
   * null when it writes none, in which case a token that carries one is refused.
   */
  typ?: string | null;
  /**
   * The Tessera tenant tokens must come from (their `tenant` claim). Without
   * it the verifier is still bound to one tenant: the first token that
   * verifies against the issuer's keys (or its introspection endpoint) fixes
   * it, and tokens of any other tenant are refused (tenant-binding.ts).
   */
  tenant?: string;
  /** Accepted `aud` values; default the issuer (Tessera's default audience). */
  audience?: string | string[];
  /** Default `<issuer>/.well-known/jwks.json`. */
  jwksUri?: string;
  /** Verify opaque tokens by introspection; without it only JWT access tokens are accepted. */
  introspection?: IntrospectionSettings;
  /** JWS algorithms accepted; default ES256, RS256, EdDSA. `none` and HMAC algorithms are refused at construction. */
  algorithms?: readonly string[];
  /** Names the protected resource in `WWW-Authenticate`. */
  realm?: string;
  /** Accept `?access_token=` (RFC 6750 §2.3); default false. */
  allowQueryToken?: boolean;
  /** Clock skew allowed for `exp`, `nbf` and `iat`; default 5 s. */
  clockToleranceSeconds?: number;
  /** Floor between two JWKS fetches (an unknown `kid` triggers one); default 30 s. */
  jwksCooldownSeconds?: number;
  /** Longest the JWKS is cached; default 600 s. */
  jwksMaxAgeSeconds?: number;
  /**
   * How long a JWT that verified is remembered (by hash, never past its
   * `exp`), so its signature is not checked on every request; default 30 s,
   * at most 300 s, 0 turns it off. Bounds how late a signing key removed
   * from the JWKS is noticed for tokens already seen.
   */
  jwtCacheSeconds?: number;
  /** Most verified JWTs remembered; default 10 000. */
  maxJwtCacheEntries?: number;
  /** Timeout of calls to the issuer; default 5 s. */
  timeoutSeconds?: number;
  /** Replaces the global `fetch` (tests, proxies). */
  fetch?: typeof fetch;
  /** ms since the epoch; default `Date.now`. */
  clock?: () => number;
}

/** What a route demands beyond a valid token. */
export interface BearerRequirements {
  /** Every one of these scopes must be granted. */
  scopes?: readonly string[];
  /** Query parameter holding seed 000's account filter (usually `account`); every account named must be granted. */
  accountParameter?: string;
}

export type VerifyResult = { ok: true; principal: Principal } | { ok: false; error: BearerError };
export type AuthenticateResult = { ok: true; auth: BearerAuth } | { ok: false; error: BearerError };

export interface BearerVerifier {
  /** The realm errors are answered with. */
  readonly realm: string | undefined;
  /** Checks the request's access token. */
  verify(request: BearerRequest): Promise<VerifyResult>;
  /** Checks the access token and the route's requirements. */
  authenticate(request: BearerRequest, requirements?: BearerRequirements): Promise<AuthenticateResult>;
}

// Three base64url parts (the last empty for an unsecured JWS, which jose then refuses): a JWT, not an opaque token.
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** Builds a verifier; configuration mistakes throw here, at start-up, never per request. */
export function createBearerVerifier(options: BearerVerifierOptions): BearerVerifier {
  // The issuer is compared with `iss` exactly as given; only the default endpoint URLs drop a trailing slash.
  const issuer = requireUrl(options.issuer, 'issuer');
  const base = issuer.replace(/\/+$/, '');
  const algorithms = options.algorithms ?? DEFAULT_ALGORITHMS;
  for (const alg of algorithms) {
    if (alg === 'none' || /^HS/i.test(alg)) throw new TypeError(`tessera/verify: algorithm ${alg} is refused: only asymmetric signatures verify access tokens`);
  }
  if (algorithms.length === 0) throw new TypeError('tessera/verify: algorithms must name at least one algorithm');
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const clock = options.clock ?? Date.now;
  const timeoutMs = seconds(options.timeoutSeconds, 5, 'timeoutSeconds', 0.001, 60);
  const clockToleranceSeconds = seconds(options.clockToleranceSeconds, 5, 'clockToleranceSeconds', 0, 300) / 1000;
  const tokenIssuer = options.tokenIssuer ?? issuer;
  if (typeof tokenIssuer !== 'string' || tokenIssuer === '') throw new TypeError('tessera/verify: tokenIssuer must be a non-empty string');
  const typ = options.typ === undefined ? JWT_ACCESS_TOKEN_TYPE : options.typ;
  if (typ !== null && (typeof typ !== 'string' || typ === '')) throw new TypeError('tessera/verify: typ must be a non-empty string or null');

  // One binding for both paths: a JWT and an opaque token of different tenants never both pass.
  const tenant = createTenantBinding(options.tenant);
  if (options.tenant !== undefined && (typeof options.tenant !== 'string' || options.tenant === '')) throw new TypeError('tessera/verify: tenant must be a non-empty string');
  const verifyJwt = createJwtVerifier({
    issuer: tokenIssuer,
    typ,
    audience: options.audience ?? issuer,
    tenant,
    jwksUri: requireUrl(options.jwksUri ?? `${base}/.well-known/jwks.json`, 'jwksUri'),
    algorithms,
    clockToleranceSeconds,
    jwksCooldownMs: seconds(options.jwksCooldownSeconds, 30, 'jwksCooldownSeconds', 0, 3600),
    jwksMaxAgeMs: seconds(options.jwksMaxAgeSeconds, 600, 'jwksMaxAgeSeconds', 1, 86_400),
    cacheTtlMs: seconds(options.jwtCacheSeconds, 30, 'jwtCacheSeconds', 0, 300),
    maxCacheEntries: entries(options.maxJwtCacheEntries, 'maxJwtCacheEntries'),
    timeoutMs,
    fetch: fetchImpl,
    clock,
  });
  const introspection = options.introspection;
  let verifyOpaque: OpaqueVerifier | undefined;
  if (introspection !== undefined) {
    if (!introspection.clientId || !introspection.clientSecret) throw new TypeError('tessera/verify: introspection needs clientId and clientSecret');
    verifyOpaque = createIntrospectionVerifier({
      endpoint: requireUrl(introspection.endpoint ?? `${base}/oauth/introspect`, 'introspection.endpoint'),
      clientId: introspection.clientId,
      clientSecret: introspection.clientSecret,
      issuer: tokenIssuer,
      tenant,
      cacheTtlMs: seconds(introspection.cacheTtlSeconds, 30, 'introspection.cacheTtlSeconds', 0, 300),
      maxCacheEntries: entries(introspection.maxCacheEntries, 'introspection.maxCacheEntries'),
      timeoutMs,
      fetch: fetchImpl,
      clock,
    });
  }

  async function verify(request: BearerRequest): Promise<VerifyResult> {
    const token = extractBearerToken(request, { allowQueryToken: options.allowQueryToken ?? false });
    if (token instanceof BearerError) return { ok: false, error: token };
    let result: Principal | BearerError;
    if (COMPACT_JWS.test(token)) result = await verifyJwt(token);
    else if (verifyOpaque !== undefined) result = await verifyOpaque(token);
    else result = new BearerError('invalid_token', 'The access token is invalid', { detail: 'opaque token, and no introspection is configured' });
    return result instanceof BearerError ? { ok: false, error: result } : { ok: true, principal: result };
  }

  async function authenticate(request: BearerRequest, requirements: BearerRequirements = {}): Promise<AuthenticateResult> {
    const verified = await verify(request);
    if (!verified.ok) return verified;
    const { principal } = verified;
    const scopeError = requireScopes(principal, requirements.scopes ?? []);
    if (scopeError !== undefined) return { ok: false, error: scopeError };
    let selected: string[] | BearerError = [...principal.accounts];
    if (requirements.accountParameter !== undefined) selected = selectAccounts(principal, queryValues(request.url, requirements.accountParameter));
    if (selected instanceof BearerError) return { ok: false, error: selected };
    return { ok: true, auth: { ...principal, selectedAccounts: selected } };
  }

  return { realm: options.realm, verify, authenticate };
}

function queryValues(url: string | undefined, name: string): string[] {
  if (url === undefined) return [];
  try {
    return new URL(url, 'http://resource.invalid').searchParams.getAll(name);
  } catch {
    return [];
  }
}

function requireUrl(value: string, name: string): string {
  if (typeof value !== 'string' || !URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) {
    throw new TypeError(`tessera/verify: ${name} must be an http(s) URL`);
  }
  return value;
}

/** A cache bound: a positive integer, default 10 000. */
function entries(value: number | undefined, name: string): number {
  const v = value ?? 10_000;
  if (!Number.isInteger(v) || v < 1 || v > 10_000_000) throw new TypeError(`tessera/verify: ${name} must be an integer from 1 to 10000000`);
  return v;
}

/** A duration option in seconds, as ms. */
function seconds(value: number | undefined, fallback: number, name: string, min: number, max: number): number {
  const v = value ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) throw new TypeError(`tessera/verify: ${name} must be from ${min} to ${max} seconds`);
  return v * 1000;
}

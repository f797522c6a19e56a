/**
 * Local verification of JWT access tokens against the issuer's JWKS, which
 * is fetched, cached, and refetched when a token names an unknown `kid` — at
 * most once per cool-down, so a flood of made-up `kid`s cannot turn into a
 * flood of requests to the issuer.
 *
 * A token that verified is remembered (by its SHA-256) for `cacheTtlMs`, never
 * past its `exp`: an API sees the same token on request after request, and
 * checking its signature again (a Web Crypto verification each time) was
 * most of a protected request's cost. Refusals are not remembered, and the
 * time-bound checks stay exact: an entry ends when the token expires. What
 * the cache can delay is noticing that the token's signing key left the
 * JWKS, by at most `cacheTtlMs`; the JWKS itself is cached for longer
 * (`jwksMaxAgeMs`), and a JWT cannot be revoked before `exp` anyway.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9068#section-4
 */
import { createRemoteJWKSet, customFetch, errors, jwtVerify, type JWSHeaderParameters, type FlattenedJWSInput, type JWTPayload } from 'jose';
import { readAccessTokenClaims, REQUIRED_CLAIMS } from '../protocol/jwt-access-token.ts';
import { BearerError } from './bearer-error.ts';
import type { Principal } from './principal.ts';
import type { TenantBinding } from './tenant-binding.ts';
import { TokenResultCache } from './token-result-cache.ts';

/** Algorithms Tessera signs with. Never `none`; never HMAC, so a public key can never be used as a shared secret. */
export const DEFAULT_ALGORITHMS = ['ES256', 'RS256', 'EdDSA'] as const;

export interface JwtVerificationOptions {
  /** The `iss` tokens must carry exactly (a URL, or the tenant's own string). */
  issuer: string;
  /** The header `typ` tokens must carry (compared as jose does), or null: tokens must carry none. */
  typ: string | null;
  audience: string | string[];
  /** The tenant tokens must be of (their `tenant` claim). */
  tenant: TenantBinding;
  jwksUri: string;
  algorithms: readonly string[];
  clockToleranceSeconds: number;
  /** Minimum time between two JWKS fetches (ms): the floor on refetches for unknown `kid`s. */
  jwksCooldownMs: number;
  /** Maximum age of the cached JWKS (ms) before it is fetched again. */
  jwksMaxAgeMs: number;
  timeoutMs: number;
  /** How long a verified token is remembered (ms); 0 remembers nothing. */
  cacheTtlMs: number;
  /** Most tokens remembered; the oldest go first. */
  maxCacheEntries: number;
  fetch: typeof fetch;
  clock: () => number;
}

/** Raised inside the key lookup when the JWKS cannot be had; the token is not at fault. */
class KeySetUnavailable extends Error {}

export type JwtVerifier = (token: string) => Promise<Principal | BearerError>;

export function createJwtVerifier(options: JwtVerificationOptions): JwtVerifier {
  const remote = createRemoteJWKSet(new URL(options.jwksUri), {
    cooldownDuration: options.jwksCooldownMs,
    cacheMaxAge: options.jwksMaxAgeMs,
    timeoutDuration: options.timeoutMs,
    [customFetch]: options.fetch,
  });
  const keys = async (header: JWSHeaderParameters, token: FlattenedJWSInput) => {
    try {
      return await remote(header, token);
    } catch (error) {
      // An unknown kid (after the refetch jose makes) is the token's fault; anything else is the issuer's.
      if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) throw error;
      throw new KeySetUnavailable(String(error), { cause: error });
    }
  };
  const algorithms = [...options.algorithms];
  const cache = options.cacheTtlMs > 0 ? new TokenResultCache(options.maxCacheEntries) : undefined;
  const toleranceMs = options.clockToleranceSeconds * 1000;

  return async function verifyJwtCached(token: string): Promise<Principal | BearerError> {
    if (cache === undefined) return verifyJwt(token, options.clock());
    const key = await TokenResultCache.keyOf(token);
    const now = options.clock();
    const cached = cache.get(key, now);
    if (cached !== undefined) return cached;
    const result = await verifyJwt(token, now);
    // Good until the cache lifetime ends or the token expires (as jose judges `exp`, with the tolerance).
    if (!(result instanceof BearerError)) cache.set(key, result, Math.min(now + options.cacheTtlMs, result.expiresAt + toleranceMs), now);
    return result;
  };

  async function verifyJwt(token: string, now: number): Promise<Principal | BearerError> {
    let payload: JWTPayload;
    let typ: unknown;
    try {
      ({ payload, protectedHeader: { typ } } = await jwtVerify(token, keys, {
        algorithms,
        // RFC 9068 §4: "Resource servers MUST verify that the typ header value is "at+jwt" or "application/at+jwt"",
        // or the type the issuing tenant is configured to write; checked below when that is none.
        ...(options.typ === null ? {} : { typ: options.typ }),
        // §4: "The issuer identifier for the authorization server ... MUST exactly match the value of the iss claim."
        issuer: options.issuer,
        // §4: "The resource server MUST validate that the aud claim contains a resource indicator value
        // corresponding to an identifier the resource server expects for itself."
        audience: options.audience,
        requiredClaims: [...REQUIRED_CLAIMS],
        clockTolerance: options.clockToleranceSeconds,
        currentDate: new Date(now),
      }));
    } catch (error) {
      return refusal(error);
    }
    if (options.typ === null && typ !== undefined) {
      return new BearerError('invalid_token', 'The access token is invalid', { detail: `typ ${String(typ)} where none is expected` });
    }
    const claims = readAccessTokenClaims(payload);
    if (claims === undefined) return new BearerError('invalid_token', 'The access token is invalid', { detail: 'a required claim is missing or of the wrong type' });
    if (!options.tenant.accepts(claims.tenant)) {
      return new BearerError('invalid_token', 'The access token is invalid', { detail: 'issued for another tenant' });
    }
    // §4: "The current time MUST be before the time represented by the exp claim"; a token issued in the
    // future comes from a clock that is wrong, or from a forger: it is not valid yet either.
    if (claims.issuedAt > now + options.clockToleranceSeconds * 1000) {
      return new BearerError('invalid_token', 'The access token is not yet valid', { detail: 'iat in the future' });
    }
    return {
      tokenFormat: 'jwt',
      clientId: claims.clientId,
      subject: claims.subject,
      username: claims.username,
      scope: [...claims.scope],
      accounts: [...claims.accounts],
      tenant: claims.tenant,
      issuer: claims.issuer,
      expiresAt: claims.expiresAt,
      claims: payload,
    };
  }
}

function refusal(error: unknown): BearerError {
  if (error instanceof KeySetUnavailable) {
    return new BearerError('temporarily_unavailable', 'The access token cannot be checked now; retry later', { detail: `JWKS: ${error.message}` });
  }
  if (error instanceof errors.JWTExpired) return new BearerError('invalid_token', 'The access token expired');
  if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'nbf') {
    return new BearerError('invalid_token', 'The access token is not yet valid');
  }
  // Bad signature, unknown kid, refused algorithm, wrong typ, issuer or audience: one answer for all, the
  // reason stays in the detail for the resource server's logs.
  const detail = error instanceof Error ? `${(error as { code?: string }).code ?? error.name}: ${error.message}` : String(error);
  return new BearerError('invalid_token', 'The access token is invalid', { detail });
}

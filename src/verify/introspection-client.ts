/**
 * Opaque tokens are checked by asking the issuer (RFC 7662), and the answer
 * is kept for a short, bounded time: a revoked token is refused again at the
 * latest one cache lifetime after its revocation.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7662#section-2
 */
import type { TenantBinding } from './tenant-binding.ts';
import { BearerError } from './bearer-error.ts';
import type { Principal } from './principal.ts';
import { copy, TokenResultCache } from './token-result-cache.ts';

export interface IntrospectionOptions {
  endpoint: string;
  clientId: string;
  clientSecret: string;
  issuer: string;
  /** The tenant tokens must be of (their `tenant` member). */
  tenant: TenantBinding;
  /** How long an answer is reused (ms); never beyond the token's own expiry. */
  cacheTtlMs: number;
  /** Most answers kept; the oldest go first. */
  maxCacheEntries: number;
  timeoutMs: number;
  fetch: typeof fetch;
  clock: () => number;
}

export type OpaqueVerifier = (token: string) => Promise<Principal | BearerError>;

const INACTIVE = () => new BearerError('invalid_token', 'The access token is invalid, expired or revoked');

/** RFC 6749 §2.3.1: Basic credentials are form-url-encoded before Base64. */
function formEncode(value: string): string {
  return encodeURIComponent(value).replace(/%20/g, '+');
}

export function createIntrospectionVerifier(options: IntrospectionOptions): OpaqueVerifier {
  const cache = new TokenResultCache(options.maxCacheEntries);
  const inFlight = new Map<string, Promise<Principal | BearerError>>();
  const authorization = `Basic ${Buffer.from(`${formEncode(options.clientId)}:${formEncode(options.clientSecret)}`).toString('base64')}`;

  function remember(key: string, result: Principal | BearerError, now: number): void {
    // Failures to reach the issuer are not remembered: the next request tries again.
    if (result instanceof BearerError && result.code === 'temporarily_unavailable') return;
    cache.set(key, result, Math.min(now + options.cacheTtlMs, result instanceof BearerError ? Infinity : result.expiresAt), now);
  }

  async function ask(token: string): Promise<Principal | BearerError> {
    let response: Response;
    let body: unknown;
    try {
      response = await options.fetch(options.endpoint, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({ token, token_type_hint: 'access_token' }).toString(),
        redirect: 'manual',
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      body = await response.json();
    } catch (error) {
      return unavailable(`introspection request failed: ${String(error)}`);
    }
    if (response.status !== 200 || body === null || typeof body !== 'object' || typeof (body as { active?: unknown }).active !== 'boolean') {
      // A 401 here means the resource server's own credentials are wrong: an operator's problem, not the client's.
      return unavailable(`introspection answered ${response.status}`);
    }
    return principalFrom(body as Record<string, unknown>);
  }

  function principalFrom(claims: Record<string, unknown>): Principal | BearerError {
    if (claims.active !== true) return INACTIVE();
    // A refresh token is active too, but it is no access token (Tessera names only access tokens' type).
    if (typeof claims.token_type !== 'string' || claims.token_type.toLowerCase() !== 'bearer') {
      return new BearerError('invalid_token', 'The access token is invalid', { detail: `token_type ${String(claims.token_type)}` });
    }
    // Tessera always names the issuer; an answer without one is not about this issuer's token.
    if (claims.iss !== options.issuer) {
      return new BearerError('invalid_token', 'The access token is invalid', { detail: 'issued by another issuer' });
    }
    if (!options.tenant.accepts(typeof claims.tenant === 'string' ? claims.tenant : undefined)) {
      return new BearerError('invalid_token', 'The access token is invalid', { detail: 'issued for another tenant' });
    }
    if (typeof claims.exp !== 'number' || typeof claims.client_id !== 'string' || typeof claims.sub !== 'string') {
      return new BearerError('invalid_token', 'The access token is invalid', { detail: 'introspection answer lacks exp, client_id or sub' });
    }
    if (claims.exp * 1000 <= options.clock()) return new BearerError('invalid_token', 'The access token expired');
    return {
      tokenFormat: 'opaque',
      clientId: claims.client_id,
      subject: claims.sub,
      username: typeof claims.username === 'string' ? claims.username : undefined,
      scope: typeof claims.scope === 'string' ? claims.scope.split(' ').filter((s) => s !== '') : [],
      accounts: Array.isArray(claims.accounts) ? claims.accounts.filter((a): a is string => typeof a === 'string') : [],
      tenant: typeof claims.tenant === 'string' ? claims.tenant : undefined,
      issuer: typeof claims.iss === 'string' ? claims.iss : options.issuer,
      expiresAt: claims.exp * 1000,
      claims,
    };
  }

  return async function verifyOpaque(token: string): Promise<Principal | BearerError> {
    // Tokens are kept in memory only as their hash.
    const key = await TokenResultCache.keyOf(token);
    const cached = cache.get(key, options.clock());
    if (cached !== undefined) return cached;
    // Concurrent requests with one token share one introspection call.
    let pending = inFlight.get(key);
    if (pending === undefined) {
      pending = ask(token).then((result) => {
        remember(key, result, options.clock());
        return result;
      });
      inFlight.set(key, pending);
      const done = () => inFlight.delete(key);
      pending.then(done, done);
    }
    return copy(await pending);
  };
}

function unavailable(detail: string): BearerError {
  return new BearerError('temporarily_unavailable', 'The access token cannot be checked now; retry later', { detail });
}

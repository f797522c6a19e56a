/**
 * The high-level API: a token source that caches tokens per request
 * parameters, renews them ahead of expiry, shares one request among concurrent
 * callers, and runs the refresh-token dance for the password grant.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.4
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-6
 * @module
 */
import type { ClientCredentials } from './client-auth.ts';
import { resolveDialect, type TokenRequestDialect } from './dialect.ts';
import { ClientConfigurationError, TokenEndpointError } from './errors.ts';
import { clientCredentialsGrantRequest, passwordGrantRequest, refreshTokenGrantRequest } from './grant-requests.ts';
import { assertValidParameters, cacheKey, mergeParameters, type TokenRequestParameters } from './parameters.ts';
import type { Preset } from './presets.ts';
import { checkClient, checkTokenEndpoint, checkTransport, type TokenRequestOptions } from './token-request.ts';
import { processTokenResponse, type TokenResult } from './token-response.ts';
import type { TransportOptions } from './transport.ts';

/**
 * Which grant the source runs.
 *
 * - `client_credentials` (RFC 6749 §4.4): the default.
 * - `password` (§4.3): if a response carries a `refresh_token`, renewals try
 *   it first and fall back to the password grant when the server answers
 *   `invalid_grant` (the refresh token expired or was revoked).
 * - `refresh_token` (§6): starts from a refresh token you already hold and
 *   rotates it whenever a response carries a new one.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.3
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.4
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-6
 */
export type GrantOptions =
  | { readonly type: 'client_credentials' }
  | { readonly type: 'password'; readonly username: string; readonly password: string }
  | { readonly type: 'refresh_token'; readonly refreshToken: string };

/**
 * Options for {@link createTokenSource}. Scope, audience and params are defaults each call may override.
 * @see docs/client.md#caching-and-single-flight
 */
export interface TokenSourceOptions extends TokenRequestParameters, ClientCredentials, Omit<TransportOptions, 'signal'> {
  /** The token endpoint URL (from the vendor's docs, or `discover()`). */
  readonly tokenEndpoint: string | URL;
  /** The grant; defaults to the preset's grant, else client_credentials. */
  readonly grant?: GrantOptions | undefined;
  /** A vendor preset from `presets`; its dialect is the base that `dialect` overrides. */
  readonly preset?: Preset | undefined;
  /** Wire format, field by field over the preset's. */
  readonly dialect?: TokenRequestDialect | undefined;
  /** See {@link TokenRequestOptions.allowInsecureHttp}. */
  readonly allowInsecureHttp?: boolean | undefined;
  /** Renew this many seconds before expiry. Default 60. Capped at half the token's lifetime. */
  readonly renewBefore?: number | undefined;
  /**
   * Up to this many extra seconds, chosen at random once per token, are added
   * to `renewBefore`, so a fleet of processes started together does not renew
   * in lock-step. Default 5.
   */
  readonly renewJitter?: number | undefined;
  /** Lifetime in seconds assumed when the response has no usable `expires_in`. Default 300. */
  readonly fallbackLifetime?: number | undefined;
  /** The clock, in epoch milliseconds. Default `Date.now`; tests freeze it. */
  readonly now?: (() => number) | undefined;
  /** Random source in [0, 1) for the jitter. Default `Math.random`. */
  readonly random?: (() => number) | undefined;
  /** Called with each new refresh token, so an app can persist a rotated one. */
  readonly onRefreshToken?: ((refreshToken: string) => void) | undefined;
}

/**
 * Per-call options for {@link TokenSource.getToken}.
 * @see docs/client.md#caching-and-single-flight
 */
export interface GetTokenOptions extends TokenRequestParameters {
  /**
   * Ignore the cached token and fetch a new one. A request already in flight
   * for the same parameters is joined rather than duplicated.
   */
  readonly forceRefresh?: boolean | undefined;
}

/**
 * A cache of access tokens in front of one token endpoint and client.
 * @see docs/client.md#caching-and-single-flight
 */
export interface TokenSource {
  /**
   * A valid access token for these parameters (merged over the source's
   * defaults): the cached one, or a new one when there is none, it is within
   * the renewal margin, or `forceRefresh` is set. Concurrent calls for the same
   * parameters share one request. A failure is thrown to every caller sharing
   * the request and is not cached: the next call tries again.
   */
  getToken(options?: GetTokenOptions): Promise<TokenResult>;
  /**
   * Forgets `accessToken` wherever it is cached, e.g. after a resource server
   * rejected it; a no-op when the cache already holds a newer token, so a burst
   * of 401s for the same token causes one renewal. Refresh tokens are kept.
   */
  invalidate(accessToken: string): void;
  /** Forgets every cached access token and refresh token obtained so far. */
  clear(): void;
}

/**
 * Defaults for {@link TokenSourceOptions}, in seconds.
 * @see docs/client.md#caching-and-single-flight
 */
export const TOKEN_SOURCE_DEFAULTS = Object.freeze({ renewBefore: 60, renewJitter: 5, fallbackLifetime: 300 });

interface RefreshLineage {
  token: string | undefined;
  /** Refreshes run one at a time, so a rotated token is never used twice. */
  queue: Promise<unknown>;
}

interface CacheEntry {
  token: TokenResult | undefined;
  renewAt: number;
  inflight: Promise<TokenResult> | undefined;
  lineage: RefreshLineage;
}

/**
 * Creates a {@link TokenSource}. Every configuration mistake that can be
 * detected without the network throws a {@link ClientConfigurationError} here.
 *
 * @example
 * ```ts
 * const source = createTokenSource({
 *   tokenEndpoint: 'https://example.com/configapi/v2/oauth/token',
 *   preset: presets.formWithTenant,
 *   clientId: 'client-id',
 *   clientSecret: process.env.SECRET,
 *   params: { tenant: 'example.com' },
 * });
 * const { accessToken } = await source.getToken();
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.4
 */
export function createTokenSource(options: TokenSourceOptions): TokenSource {
  checkTokenEndpoint(options.tokenEndpoint, options.allowInsecureHttp);
  const dialect = resolveDialect(options.preset?.dialect, options.dialect);
  const grant = resolveGrant(options.grant, options.preset);
  const client: ClientCredentials = { clientId: options.clientId, clientSecret: options.clientSecret };
  checkClient(client, dialect, grant.type === 'client_credentials');
  checkTransport(dialect, options);
  const defaults: TokenRequestParameters = { scope: options.scope, audience: options.audience, params: options.params };
  assertValidParameters(defaults, 'params');
  const renewBefore = seconds('renewBefore', options.renewBefore ?? TOKEN_SOURCE_DEFAULTS.renewBefore, true);
  const renewJitter = seconds('renewJitter', options.renewJitter ?? TOKEN_SOURCE_DEFAULTS.renewJitter, true);
  const fallbackLifetime = seconds('fallbackLifetime', options.fallbackLifetime ?? TOKEN_SOURCE_DEFAULTS.fallbackLifetime, false);
  if (options.timeout !== undefined) seconds('timeout', options.timeout, false);
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const requestOptions: TokenRequestOptions = {
    dialect,
    fetch: options.fetch,
    timeout: options.timeout,
    allowInsecureHttp: options.allowInsecureHttp,
  };
  const requiredParams = options.preset?.requiredParams ?? [];

  let cache = new Map<string, CacheEntry>();
  let sharedLineage = newLineage(grant.type === 'refresh_token' ? grant.refreshToken : undefined);

  const read = async (response: Promise<Response>) => processTokenResponse(await response, { now, fallbackLifetime });

  function adopt(lineage: RefreshLineage, result: TokenResult): void {
    if (result.refreshToken === undefined || result.refreshToken === lineage.token) return;
    lineage.token = result.refreshToken;
    options.onRefreshToken?.(result.refreshToken);
  }

  async function refreshWith(lineage: RefreshLineage, parameters: TokenRequestParameters): Promise<TokenResult> {
    const refreshToken = lineage.token;
    if (refreshToken === undefined) throw new ClientConfigurationError('no refresh token to refresh with');
    const result = await read(refreshTokenGrantRequest(options.tokenEndpoint, client, refreshToken, parameters, requestOptions));
    adopt(lineage, result);
    return result;
  }

  function obtain(entry: CacheEntry, parameters: TokenRequestParameters): Promise<TokenResult> {
    switch (grant.type) {
      case 'client_credentials':
        // RFC 6749 §4.4.3: "A refresh token SHOULD NOT be included"; if one is, re-running the grant is simpler and never worse.
        return read(clientCredentialsGrantRequest(options.tokenEndpoint, client, parameters, requestOptions));
      case 'refresh_token':
        return serialised(sharedLineage, () => refreshWith(sharedLineage, parameters));
      case 'password':
        return serialised(entry.lineage, async () => {
          if (entry.lineage.token !== undefined) {
            try {
              return await refreshWith(entry.lineage, parameters);
            } catch (error) {
              // Only a refused refresh token means "start over"; a network error or server_error may pass.
              if (!(error instanceof TokenEndpointError && error.error === 'invalid_grant')) throw error;
              entry.lineage.token = undefined;
            }
          }
          const result = await read(passwordGrantRequest(options.tokenEndpoint, client, grant.username, grant.password, parameters, requestOptions));
          adopt(entry.lineage, result);
          return result;
        });
    }
  }

  async function renew(entry: CacheEntry, parameters: TokenRequestParameters): Promise<TokenResult> {
    try {
      const result = await obtain(entry, parameters);
      const early = Math.min((renewBefore + random() * renewJitter) * 1000, (result.expiresIn * 1000) / 2);
      entry.token = result;
      entry.renewAt = result.expiresAt - early;
      return result;
    } finally {
      entry.inflight = undefined;
    }
  }

  return {
    async getToken(call: GetTokenOptions = {}): Promise<TokenResult> {
      const parameters = mergeParameters(defaults, call);
      assertValidParameters(parameters, 'params');
      for (const name of requiredParams) {
        if (parameters.params?.[name] === undefined) {
          throw new ClientConfigurationError(`preset ${options.preset?.name} requires the '${name}' parameter in params`);
        }
      }
      const key = cacheKey(parameters);
      let entry = cache.get(key);
      if (entry === undefined) {
        entry = { token: undefined, renewAt: 0, inflight: undefined, lineage: newLineage(undefined) };
        cache.set(key, entry);
      }
      if (entry.inflight !== undefined) return entry.inflight;
      if (call.forceRefresh !== true && entry.token !== undefined && now() < entry.renewAt) return entry.token;
      entry.inflight = renew(entry, parameters);
      return entry.inflight;
    },
    invalidate(accessToken: string): void {
      for (const entry of cache.values()) {
        if (entry.token?.accessToken === accessToken) entry.token = undefined;
      }
    },
    clear(): void {
      cache = new Map();
      sharedLineage = newLineage(grant.type === 'refresh_token' ? grant.refreshToken : undefined);
    },
  };
}

function newLineage(token: string | undefined): RefreshLineage {
  return { token, queue: Promise.resolve() };
}

function serialised<T>(lineage: RefreshLineage, task: () => Promise<T>): Promise<T> {
  const run = lineage.queue.then(task, task);
  lineage.queue = run.catch(() => undefined);
  return run;
}

function resolveGrant(grant: GrantOptions | undefined, preset: Preset | undefined): GrantOptions {
  if (grant === undefined) {
    if (preset === undefined || preset.grantType === 'client_credentials') return { type: 'client_credentials' };
    throw new ClientConfigurationError(`preset ${preset.name} uses the ${preset.grantType} grant; pass grant: { type: '${preset.grantType}', ... }`);
  }
  switch (grant.type) {
    case 'client_credentials':
      return grant;
    case 'password':
      if (typeof grant.username !== 'string' || grant.username === '') throw new ClientConfigurationError('the password grant needs a username');
      if (typeof grant.password !== 'string') throw new ClientConfigurationError('the password grant needs a password');
      return grant;
    case 'refresh_token':
      if (typeof grant.refreshToken !== 'string' || grant.refreshToken === '') throw new ClientConfigurationError('the refresh_token grant needs a refreshToken');
      return grant;
    default:
      throw new ClientConfigurationError(`unsupported grant type '${(grant as { type: unknown }).type}'`);
  }
}

function seconds(name: string, value: number, zeroAllowed: boolean): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (!zeroAllowed && value === 0)) {
    throw new ClientConfigurationError(`${name} must be a ${zeroAllowed ? 'non-negative' : 'positive'} number`);
  }
  return value;
}

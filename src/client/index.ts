/**
 * `tessera/client`: get, cache and refresh OAuth 2.0 access tokens from
 * Tessera or from any vendor's token endpoint, however non-standard.
 *
 * Zero dependencies and Web platform APIs only (fetch, URLSearchParams,
 * Headers, TextEncoder, btoa, AbortController), so it runs on Node, Deno, Bun,
 * browsers and edge runtimes. The optional Node transport for GET-with-body
 * dialects lives in `tessera/client/node` and is deliberately not re-exported.
 *
 * Two layers, in oauth4webapi's style:
 * - high level: {@link createTokenSource} (cache, single-flight, renewal) and
 *   {@link createAuthenticatedFetch} (Bearer header, one retry on 401);
 * - low level: `*GrantRequest()` functions that send one request and
 *   {@link processTokenResponse} that reads it.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749
 * @module
 */
export { createTokenSource, TOKEN_SOURCE_DEFAULTS } from './token-source.ts';
export type { GetTokenOptions, GrantOptions, TokenSource, TokenSourceOptions } from './token-source.ts';
export { createAuthenticatedFetch } from './authenticated-fetch.ts';
export type { AuthenticatedFetch, AuthenticatedFetchOptions, FetchInput } from './authenticated-fetch.ts';
export { clientCredentialsGrantRequest, passwordGrantRequest, refreshTokenGrantRequest } from './grant-requests.ts';
export type { TokenRequestOptions } from './token-request.ts';
export { DEFAULT_FALLBACK_LIFETIME, parseExpiresIn, processTokenResponse } from './token-response.ts';
export type { ProcessTokenResponseOptions, TokenResult } from './token-response.ts';
export { normaliseErrorCode, UNKNOWN_ERROR } from './error-response.ts';
export { presetByName, presets } from './presets.ts';
export type { GrantType, Preset, PresetName } from './presets.ts';
export { resolveDialect } from './dialect.ts';
export type { ResolvedDialect, TokenRequestDialect } from './dialect.ts';
export { basicAuthorization, CLIENT_AUTH_METHODS, formUrlEncode } from './client-auth.ts';
export type { ClientAuthMethod, ClientCredentials } from './client-auth.ts';
export { RESERVED_PARAMETERS } from './parameters.ts';
export type { TokenRequestParameters } from './parameters.ts';
export { dialectFromMetadata, discover, metadataUrls, processDiscoveryResponse } from './discovery.ts';
export type { AuthorizationServerMetadata, DiscoverOptions } from './discovery.ts';
export { DEFAULT_TIMEOUT_MS } from './transport.ts';
export type { Transport, TransportOptions, TransportRequest } from './transport.ts';
export {
  ClientConfigurationError,
  DiscoveryError,
  InvalidTokenResponseError,
  TesseraClientError,
  TokenEndpointError,
  TokenRequestError,
} from './errors.ts';
export type { TokenEndpointErrorInit } from './errors.ts';

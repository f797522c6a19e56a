/**
 * Finding a token endpoint from an issuer: RFC 8414 authorization server
 * metadata, which Tessera's server publishes.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8414
 * @module
 */
import type { ClientAuthMethod } from './client-auth.ts';
import type { TokenRequestDialect } from './dialect.ts';
import { ClientConfigurationError, DiscoveryError } from './errors.ts';
import { isObject } from './error-response.ts';
import { parseJson } from './lenient-json.ts';
import { send, type TransportOptions } from './transport.ts';

/**
 * The parts of RFC 8414 metadata a token client needs, plus the whole document.
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-2
 */
export interface AuthorizationServerMetadata {
  /** The issuer identifier, as the server states it. */
  readonly issuer: string;
  /** `token_endpoint`. */
  readonly tokenEndpoint: string;
  /**
   * `token_endpoint_auth_methods_supported`; RFC 8414 §2: "If omitted, the
   * default is client_secret_basic".
   */
  readonly tokenEndpointAuthMethodsSupported: readonly string[];
  /** `grant_types_supported`, if published. */
  readonly grantTypesSupported: readonly string[] | undefined;
  /** `scopes_supported`, if published. */
  readonly scopesSupported: readonly string[] | undefined;
  /** The whole metadata document. */
  readonly fields: Readonly<Record<string, unknown>>;
}

/**
 * Options for {@link discover}.
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-3
 */
export interface DiscoverOptions extends TransportOptions {
  /** Allow a plain-http issuer that is not loopback. */
  readonly allowInsecureHttp?: boolean | undefined;
}

const WELL_KNOWN = '/.well-known/oauth-authorization-server';

/**
 * The metadata URLs to try for `issuer`, in order. First RFC 8414 §3.1's:
 * "/.well-known/" and the suffix inserted between the host and the issuer's
 * path. For an issuer with a path, second the appended form
 * `<issuer>/.well-known/oauth-authorization-server` that OpenID-style servers
 * use; for an issuer without a path the two are the same URL.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-3.1
 */
export function metadataUrls(issuer: string | URL): URL[] {
  const url = new URL(issuer);
  const path = url.pathname.replace(/\/+$/, '');
  const inserted = new URL(`${WELL_KNOWN}${path}`, url.origin);
  if (path === '') return [inserted];
  return [inserted, new URL(`${url.origin}${path}${WELL_KNOWN}`)];
}

/**
 * Fetches and validates RFC 8414 metadata for `issuer`. A 404 at the first URL
 * moves on to the next (see {@link metadataUrls}). The returned `issuer` must
 * match the one asked for (§3.3: "If these values are not identical, the data
 * contained in the response MUST NOT be used"); a single trailing `/` is
 * ignored on both sides, since URL normalisation adds one to a bare origin.
 *
 * @example
 * ```ts
 * const metadata = await discover('https://auth.example.com');
 * const source = createTokenSource({
 *   tokenEndpoint: metadata.tokenEndpoint,
 *   dialect: dialectFromMetadata(metadata),
 *   clientId, clientSecret,
 * });
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-3
 */
export async function discover(issuer: string | URL, options: DiscoverOptions = {}): Promise<AuthorizationServerMetadata> {
  const issuerUrl = checkIssuer(issuer, options.allowInsecureHttp ?? false);
  const urls = metadataUrls(issuerUrl);
  for (const [index, url] of urls.entries()) {
    const response = await send(url, { method: 'GET', headers: new Headers({ accept: 'application/json' }) }, options, (t) => t);
    if (response.status === 404 && index < urls.length - 1) {
      await response.body?.cancel().catch(() => undefined);
      continue;
    }
    return processDiscoveryResponse(issuer, response);
  }
  throw new DiscoveryError(`no metadata found for ${issuerUrl.href}`);
}

/**
 * Validates a metadata response for `expectedIssuer`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-3.2
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-3.3
 */
export async function processDiscoveryResponse(expectedIssuer: string | URL, response: Response): Promise<AuthorizationServerMetadata> {
  if (response.status !== 200) {
    throw new DiscoveryError(`metadata request answered HTTP ${response.status}`, response.status);
  }
  const body = parseJson(await response.text());
  if (!isObject(body)) throw new DiscoveryError('metadata is not a JSON object', response.status);
  const { issuer, token_endpoint: tokenEndpoint } = body;
  if (typeof issuer !== 'string' || withoutTrailingSlash(issuer) !== withoutTrailingSlash(String(expectedIssuer))) {
    throw new DiscoveryError(`metadata issuer ${JSON.stringify(issuer)} does not match ${String(expectedIssuer)}`, response.status);
  }
  if (typeof tokenEndpoint !== 'string' || !URL.canParse(tokenEndpoint)) {
    throw new DiscoveryError('metadata has no valid token_endpoint', response.status);
  }
  return Object.freeze({
    issuer,
    tokenEndpoint,
    tokenEndpointAuthMethodsSupported: stringList(body['token_endpoint_auth_methods_supported']) ?? ['client_secret_basic'],
    grantTypesSupported: stringList(body['grant_types_supported']),
    scopesSupported: stringList(body['scopes_supported']),
    fields: Object.freeze({ ...body }),
  });
}

/**
 * The dialect for a server described by `metadata`: POST, form body, and the
 * first of `client_secret_basic` (strict), `client_secret_post`, `none` the
 * server supports.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-2
 */
export function dialectFromMetadata(metadata: Pick<AuthorizationServerMetadata, 'tokenEndpointAuthMethodsSupported'>): TokenRequestDialect {
  const preferred: ClientAuthMethod[] = ['client_secret_basic', 'client_secret_post', 'none'];
  const clientAuth = preferred.find((m) => metadata.tokenEndpointAuthMethodsSupported.includes(m));
  if (clientAuth === undefined) {
    throw new ClientConfigurationError(
      `the server supports none of ${preferred.join(', ')} (it lists ${metadata.tokenEndpointAuthMethodsSupported.join(', ')})`,
    );
  }
  return { method: 'POST', bodyFormat: 'form', parameterLocation: 'body', clientAuth };
}

function checkIssuer(issuer: string | URL, allowInsecureHttp: boolean): URL {
  if (!URL.canParse(String(issuer))) throw new ClientConfigurationError('the issuer is not an absolute URL');
  const url = new URL(issuer);
  // RFC 8414 §2: the issuer is "a URL that uses the "https" scheme and has no query or fragment components".
  if (url.search !== '' || url.hash !== '') throw new ClientConfigurationError('the issuer may not have a query or fragment');
  const loopback = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i.test(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && (loopback || allowInsecureHttp))) {
    throw new ClientConfigurationError('the issuer must be an https URL (http only on loopback or with allowInsecureHttp)');
  }
  return url;
}

function withoutTrailingSlash(value: string): string {
  return value.endsWith('/') ? value.slice(0, -1) : value;
}

function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? [...value] : undefined;
}

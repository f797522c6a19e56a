/**
 * Building and sending one token request in a given dialect. Everything that
 * can be checked without the network is checked here, before anything is
 * sent, and reported as a {@link ClientConfigurationError}.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.2
 * @module
 */
import { basicAuthorization, type ClientCredentials } from './client-auth.ts';
import { resolveDialect, type ResolvedDialect, type TokenRequestDialect } from './dialect.ts';
import { ClientConfigurationError } from './errors.ts';
import { assertValidParameters, parameterList, type ParameterList, type TokenRequestParameters } from './parameters.ts';
import { redact, secretSpellings } from './redact.ts';
import { rememberSecrets } from './request-secrets.ts';
import { send, type TransportOptions } from './transport.ts';

/**
 * Options for the low-level grant request functions.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.2
 */
export interface TokenRequestOptions extends TransportOptions {
  /** How the request looks on the wire; defaults to strict RFC 6749 (see {@link TokenRequestDialect}). */
  readonly dialect?: TokenRequestDialect | undefined;
  /**
   * Allow `http:` token endpoints on hosts other than loopback. Off by default:
   * RFC 6749 §3.2 requires TLS because the request carries the client secret.
   */
  readonly allowInsecureHttp?: boolean | undefined;
}

/**
 * A fully built token request, ready for a transport.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.2
 */
export interface TokenRequestPlan {
  readonly url: URL;
  readonly method: 'GET' | 'POST';
  readonly headers: Headers;
  readonly body: string | undefined;
  /** Every spelling of every secret in the request, for scrubbing echoes. */
  readonly secrets: readonly string[];
}

/**
 * Grant-specific parameters plus which of their values are secret.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.3.2
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.4.2
 */
export interface GrantParameters {
  readonly grantType: string;
  readonly fields: ParameterList;
  readonly secretValues: readonly string[];
}

const LOOPBACK = /^(localhost|.*\.localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/**
 * Parses and checks the token endpoint URL: `https:`, or `http:` on loopback
 * (for local development and tests) unless `allowInsecureHttp` is set; no
 * userinfo and no fragment.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.2
 */
export function checkTokenEndpoint(endpoint: string | URL, allowInsecureHttp = false): URL {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new ClientConfigurationError('the token endpoint is not an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ClientConfigurationError(`the token endpoint must be an http(s) URL, not ${url.protocol}`);
  }
  if (url.protocol === 'http:' && !allowInsecureHttp && !LOOPBACK.test(url.hostname)) {
    throw new ClientConfigurationError(
      `refusing to send credentials over plain http to ${url.host}; use https or set allowInsecureHttp`,
    );
  }
  if (url.username !== '' || url.password !== '') {
    throw new ClientConfigurationError('the token endpoint URL may not embed credentials; use clientId and clientSecret');
  }
  if (url.hash !== '') throw new ClientConfigurationError('the token endpoint URL may not have a fragment (RFC 6749 §3.2)');
  return url;
}

/**
 * Checks the client credentials fit the authentication method. Both fields
 * absent means "no client authentication", which only grants other than
 * client_credentials allow (`requireClient`).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 * @see https://www.rfc-editor.org/rfc/rfc7617#section-2
 */
export function checkClient(client: ClientCredentials, dialect: ResolvedDialect, requireClient: boolean): void {
  const { clientId, clientSecret } = client;
  if (clientId === '') throw new ClientConfigurationError('clientId is empty');
  if (clientId === undefined && clientSecret === undefined) {
    if (requireClient) throw new ClientConfigurationError('this grant needs a clientId (and a clientSecret unless clientAuth is none)');
    return;
  }
  if (dialect.clientAuth === 'none') {
    if (clientSecret !== undefined) throw new ClientConfigurationError("a clientSecret was given but clientAuth is 'none'");
    return;
  }
  if (clientId === undefined) throw new ClientConfigurationError('a clientSecret was given without a clientId');
  if (clientSecret === undefined) throw new ClientConfigurationError(`clientAuth '${dialect.clientAuth}' needs a clientSecret`);
  if (dialect.clientAuth === 'client_secret_basic_raw' && clientId.includes(':')) {
    // RFC 7617 §2: "a user-id containing a colon character is invalid". The strict method escapes it.
    throw new ClientConfigurationError("a clientId containing ':' cannot be sent with client_secret_basic_raw; use client_secret_basic");
  }
  const hasAuthorizationHeader = Object.keys(dialect.headers).some((h) => h.toLowerCase() === 'authorization');
  if (hasAuthorizationHeader && dialect.clientAuth.startsWith('client_secret_basic')) {
    throw new ClientConfigurationError('dialect.headers sets Authorization, which the Basic client authentication also sets');
  }
}

/**
 * Refuses a GET-with-body dialect when no transport was given, because the
 * default transport, `fetch()`, throws on GET bodies.
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-9.3.1
 */
export function checkTransport(dialect: ResolvedDialect, options: TransportOptions): void {
  if (dialect.method === 'GET' && dialect.parameterLocation === 'body' && options.fetch === undefined) {
    throw new ClientConfigurationError(
      "a GET request with a body cannot be sent with fetch(); pass a transport that can (nodeTransport from 'tessera/client/node'), or use parameterLocation 'query'",
    );
  }
}

/**
 * Lays out a token request: grant parameters first (`grant_type`, then the
 * grant's own, as RFC 6749's examples order them), then client credentials for
 * the body methods, then scope, audience and extra parameters. Pure; sends
 * nothing.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.4.2
 * @see https://www.rfc-editor.org/rfc/rfc6749#appendix-B
 */
export function buildTokenRequest(
  endpoint: URL,
  client: ClientCredentials,
  dialect: ResolvedDialect,
  grant: GrantParameters,
  parameters: TokenRequestParameters,
): TokenRequestPlan {
  const fields: Array<readonly [string, string]> = [['grant_type', grant.grantType], ...grant.fields];
  const headers = new Headers({ accept: 'application/json' });
  const secrets: string[] = [...grant.secretValues];
  const { clientId, clientSecret } = client;
  if (clientId !== undefined) {
    if (clientSecret !== undefined && dialect.clientAuth.startsWith('client_secret_basic')) {
      const authorization = basicAuthorization(clientId, clientSecret, dialect.clientAuth === 'client_secret_basic' ? 'strict' : 'raw');
      headers.set('authorization', authorization);
      secrets.push(authorization.slice('Basic '.length));
    } else {
      fields.push(['client_id', clientId]);
      if (clientSecret !== undefined) fields.push(['client_secret', clientSecret]);
    }
  }
  if (clientSecret !== undefined) secrets.push(clientSecret);
  fields.push(...parameterList(parameters));

  const url = new URL(endpoint);
  let body: string | undefined;
  if (dialect.parameterLocation === 'query') {
    for (const [name, value] of fields) url.searchParams.append(name, value);
  } else {
    body = dialect.bodyFormat === 'json' ? JSON.stringify(Object.fromEntries(fields)) : new URLSearchParams(fields.map(([n, v]): [string, string] => [n, v])).toString();
  }
  // resolveDialect leaves contentType undefined for a query dialect unless one was configured explicitly.
  if (dialect.contentType !== undefined) headers.set('content-type', dialect.contentType);
  for (const [name, value] of Object.entries(dialect.headers)) headers.set(name, value);
  return { url, method: dialect.method, headers, body, secrets: secrets.flatMap(secretSpellings) };
}

/**
 * Sends a built request and tags the response with its secrets for {@link processTokenResponse}.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.2
 */
export async function sendTokenRequest(plan: TokenRequestPlan, options: TransportOptions): Promise<Response> {
  const response = await send(plan.url, { method: plan.method, headers: plan.headers, body: plan.body }, options, (text) => redact(text, plan.secrets));
  rememberSecrets(response, plan.secrets);
  return response;
}

/**
 * Validates everything and sends one grant request; the shared body of the
 * public `*GrantRequest` functions.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.2
 */
export async function grantRequest(
  tokenEndpoint: string | URL,
  client: ClientCredentials,
  grant: GrantParameters,
  parameters: TokenRequestParameters,
  options: TokenRequestOptions,
  requireClient: boolean,
): Promise<Response> {
  const endpoint = checkTokenEndpoint(tokenEndpoint, options.allowInsecureHttp);
  const dialect = resolveDialect(options.dialect);
  checkClient(client, dialect, requireClient);
  checkTransport(dialect, options);
  assertValidParameters(parameters, 'params');
  return sendTokenRequest(buildTokenRequest(endpoint, client, dialect, grant, parameters), options);
}

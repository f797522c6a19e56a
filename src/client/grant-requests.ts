/**
 * The low-level layer: one function per grant that sends the request and
 * returns the raw `Response`, to be read with `processTokenResponse()`. This is
 * oauth4webapi's split, which lets callers inspect or log the response between
 * the two steps; `createTokenSource()` is built on these.
 *
 * @module
 */
import type { ClientCredentials } from './client-auth.ts';
import type { TokenRequestParameters } from './parameters.ts';
import { grantRequest, type TokenRequestOptions } from './token-request.ts';

/**
 * Requests a token with the client credentials grant.
 *
 * "The client can request an access token using only its client credentials"
 * and "MUST authenticate with the authorization server" (RFC 6749 §4.4), so a
 * `clientId` is required.
 *
 * @example
 * ```ts
 * const response = await clientCredentialsGrantRequest(url, { clientId, clientSecret }, { scope: 'read' });
 * const token = await processTokenResponse(response);
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.4.2
 */
export function clientCredentialsGrantRequest(
  tokenEndpoint: string | URL,
  client: ClientCredentials,
  parameters: TokenRequestParameters = {},
  options: TokenRequestOptions = {},
): Promise<Response> {
  return grantRequest(tokenEndpoint, client, { grantType: 'client_credentials', fields: [], secretValues: [] }, parameters, options, true);
}

/**
 * Requests a token with the resource owner password credentials grant
 * (`grant_type=password&username=...&password=...`). Client authentication is
 * optional here, as seed 003 shows: leave `client` empty to send none.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.3.2
 */
export function passwordGrantRequest(
  tokenEndpoint: string | URL,
  client: ClientCredentials,
  username: string,
  password: string,
  parameters: TokenRequestParameters = {},
  options: TokenRequestOptions = {},
): Promise<Response> {
  const grant = {
    grantType: 'password',
    fields: [['username', username], ['password', password]] as const,
    secretValues: [password],
  };
  return grantRequest(tokenEndpoint, client, grant, parameters, options, false);
}

/**
 * Exchanges a refresh token for a new access token. The response may carry a
 * new refresh token, which replaces the old one (RFC 6749 §6: "the client MUST
 * discard the old refresh token and replace it with the new refresh token").
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-6
 */
export function refreshTokenGrantRequest(
  tokenEndpoint: string | URL,
  client: ClientCredentials,
  refreshToken: string,
  parameters: TokenRequestParameters = {},
  options: TokenRequestOptions = {},
): Promise<Response> {
  const grant = { grantType: 'refresh_token', fields: [['refresh_token', refreshToken]] as const, secretValues: [refreshToken] };
  return grantRequest(tokenEndpoint, client, grant, parameters, options, false);
}

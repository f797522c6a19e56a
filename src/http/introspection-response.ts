/**
 * The wire form of an introspection answer: RFC 7662 §2.2's members in
 * snake_case and seconds, plus Tessera's `accounts` and `tenant`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7662#section-2.2
 */
import type { IntrospectionResult } from '../core/introspection.ts';
import { tokenIssuer } from '../core/tokens/jwt-profile.ts';

export function introspectionResponseBody(result: IntrospectionResult): Record<string, unknown> {
  // §2.2: the server "SHOULD NOT include any additional information about an inactive token,
  // including why the token is inactive".
  if (!result.active) return { active: false };
  const { token, tenant } = result;
  const body: Record<string, unknown> = { active: true };
  if (token.scope.length > 0) body.scope = token.scope.join(' ');
  body.client_id = token.clientId;
  if (token.username !== null) body.username = token.username;
  // token_type is the RFC 6749 §7.1 access token type; a refresh token has none and is told apart by it.
  if (token.kind === 'access') body.token_type = 'Bearer';
  body.exp = Math.floor(token.expiresAt / 1000);
  body.iat = Math.floor(token.issuedAt / 1000);
  body.sub = token.subject;
  if (token.audience.length > 0) body.aud = token.audience.length === 1 ? token.audience[0] : token.audience;
  // The issuer the tenant's tokens name (RFC 7662 §2.2 `iss`), its URL unless it issues a plain string.
  body.iss = tokenIssuer(tenant);
  if (token.jwtId !== undefined) body.jti = token.jwtId;
  body.accounts = token.accounts;
  body.tenant = tenant.id;
  return body;
}

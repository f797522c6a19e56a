/**
 * The wire form of token responses and errors: the one place the domain's
 * camelCase meets RFC 6749's snake_case (and seed 003's `.issued`).
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 */
import type { TokenResult } from '../core/token-endpoint.ts';
import type { TokenDialect } from '../config/dialect.ts';

/** RFC 6749 §5.1: "The authorization server MUST include the HTTP "Cache-Control" response header field with a value of "no-store"". */
export const NO_STORE_HEADERS = {
  'cache-control': 'no-store',
  pragma: 'no-cache',
  'content-type': 'application/json; charset=utf-8',
} as const;

/**
 * `expires_in` as the dialect writes it: RFC 6749 §5.1 makes it "The lifetime
 * in seconds of the access token", a JSON number; seeds 001 and 003 show the
 * lifetime less one second, and seed 001 shows it as a string.
 */
export function expiresIn(lifetime: number, dialect: Pick<TokenDialect, 'expiresInType' | 'expiresInValue'>): number | string {
  const seconds = dialect.expiresInValue === 'lifetime-minus-one' ? Math.max(0, lifetime - 1) : lifetime;
  return dialect.expiresInType === 'string' ? String(seconds) : seconds;
}

export function tokenResponseBody(result: TokenResult, dialect: TokenDialect): Record<string, unknown> {
  const body: Record<string, unknown> = {
    access_token: result.accessToken,
    token_type: dialect.tokenType,
    expires_in: expiresIn(result.expiresIn, dialect),
  };
  if (result.refreshToken !== undefined) body.refresh_token = result.refreshToken;
  if (result.scope !== undefined) body.scope = result.scope.join(' ');
  if (dialect.responseFields === 'owin') {
    // Seed 003 (ASP.NET OWIN): the user, then RFC 1123 dates in GMT, in the seed's order.
    if (result.user !== undefined) {
      body.userName = result.user.username;
      body.userId = result.user.id;
      body.role = result.user.role;
    }
    body['.issued'] = new Date(result.issuedAt).toUTCString();
    body['.expires'] = new Date(result.expiresAt).toUTCString();
  }
  return body;
}

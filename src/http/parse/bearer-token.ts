/**
 * Bearer tokens in the Authorization header (RFC 6750 §2.1).
 *
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-2.1
 */
import { OAuthError } from '../../core/errors.ts';

// b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/** The `WWW-Authenticate` value for a Bearer failure, with every value quoted (RFC 6750 §3). */
export function bearerChallenge(realm: string, error?: OAuthError, scope?: string): string {
  const parts = [`realm="${quote(realm)}"`];
  if (error !== undefined) {
    parts.push(`error="${error.code}"`, `error_description="${quote(error.description)}"`);
  }
  if (scope !== undefined) parts.push(`scope="${quote(scope)}"`);
  return `Bearer ${parts.join(', ')}`;
}

function quote(value: string): string {
  return value.replace(/[\\"]/g, '').replace(/[^\x20-\x7e]/g, '?');
}

/**
 * Extracts the token, or throws: no header is `invalid_request` without an
 * error code in the challenge (RFC 6750 §3.1: "If the request lacks any
 * authentication information ... the resource server SHOULD NOT include an
 * error code"), a malformed one is `invalid_request`.
 */
export function parseBearerAuthorization(header: string | string[] | undefined, realm: string): string {
  if (header === undefined || header === '') {
    throw new OAuthError('invalid_token', 'Authentication required: send Authorization: Bearer <token>', {
      headers: { 'WWW-Authenticate': bearerChallenge(realm) },
    });
  }
  if (Array.isArray(header)) throw malformed('more than one Authorization header', realm);
  const space = header.indexOf(' ');
  if (space === -1 || header.slice(0, space).toLowerCase() !== 'bearer') throw malformed('the Authorization scheme must be Bearer', realm);
  const token = header.slice(space + 1).trim();
  if (!B64TOKEN.test(token)) throw malformed('the Bearer token is not a valid b64token', realm);
  return token;
}

function malformed(reason: string, realm: string): OAuthError {
  const error = new OAuthError('invalid_request', `Malformed Authorization header: ${reason}`);
  return new OAuthError('invalid_request', error.description, { headers: { 'WWW-Authenticate': bearerChallenge(realm, error) } });
}

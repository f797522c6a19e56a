/**
 * HTTP Basic client authentication.
 *
 * RFC 6749 §2.3.1: "The client identifier is encoded using the
 * application/x-www-form-urlencoded encoding algorithm ... and the encoded
 * value is used as the username; the client password is encoded using the
 * same algorithm and used as the password."
 *
 * Most clients (curl -u, seed 000 and 002) do not encode. Tessera decodes per
 * the RFC and, when that changes the values, also keeps the raw pair: the
 * core tries the decoded pair first, then the raw one. Generated secrets are
 * base64url and read the same either way.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7617#section-2
 */
import { OAuthError } from '../../core/errors.ts';
import type { ClientCredentials } from '../../core/client-auth/credentials.ts';
import { decodeUtf8 } from './form.ts';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function malformed(reason: string): OAuthError {
  return new OAuthError('invalid_client', `Malformed Basic credentials: ${reason}`, {
    headers: { 'WWW-Authenticate': 'Basic charset="UTF-8"' },
  });
}

/** Parses `Authorization: Basic …`; returns undefined when the header is absent. */
export function parseBasicAuthorization(header: string | undefined): ClientCredentials | undefined {
  if (header === undefined) return undefined;
  const space = header.indexOf(' ');
  const scheme = space === -1 ? header : header.slice(0, space);
  if (scheme.toLowerCase() !== 'basic') {
    throw new OAuthError('invalid_client', 'Unsupported Authorization scheme at the token endpoint; use Basic', {
      headers: { 'WWW-Authenticate': 'Basic charset="UTF-8"' },
    });
  }
  const encoded = header.slice(space + 1).trim();
  if (encoded === '' || space === -1) throw malformed('no credentials after "Basic"');
  if (!BASE64.test(encoded) || encoded.length % 4 === 1) throw malformed('not Base64');
  const decoded = decodeUtf8(Buffer.from(encoded, 'base64'), 'Basic credential');
  const colon = decoded.indexOf(':');
  if (colon === -1) throw malformed("no ':' between client_id and client_secret");
  const rawId = decoded.slice(0, colon);
  const rawSecret = decoded.slice(colon + 1);
  const clientId = lenientFormDecode(rawId);
  const clientSecret = lenientFormDecode(rawSecret);
  if (clientId === '') throw malformed('empty client_id');
  if (clientSecret === '') throw malformed('empty client_secret');
  const credentials: ClientCredentials = { method: 'client_secret_basic', clientId, clientSecret };
  if (clientId !== rawId || clientSecret !== rawSecret) credentials.raw = { clientId: rawId, clientSecret: rawSecret };
  return credentials;
}

/** form-url-decodes, or returns the input unchanged when it is not valid encoding (a raw value). */
function lenientFormDecode(value: string): string {
  if (!value.includes('%') && !value.includes('+')) return value;
  try {
    return decodeURIComponent(value.replaceAll('+', ' '));
  } catch {
    return value;
  }
}

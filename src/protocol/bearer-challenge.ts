/**
 * The `WWW-Authenticate: Bearer …` challenge, with every value quoted so no
 * input can break the header or inject another one.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-5.6.4 quoted-string
 */

export interface ChallengeParameters {
  realm?: string | undefined;
  error?: string | undefined;
  error_description?: string | undefined;
  /** Space-delimited scope the resource needs (for `insufficient_scope`). */
  scope?: string | undefined;
}

/**
 * RFC 6750 §3: "The "error", "error_description" and "scope" attribute values MUST NOT include characters
 * outside the set %x20-21 / %x23-5B / %x5D-7E" — anything else is replaced, not escaped.
 */
function restricted(value: string): string {
  return value.replace(/[^\x20-\x21\x23-\x5B\x5D-\x7E]/g, '?');
}

/**
 * A quoted-string: `"` and `\` are escaped with a backslash; controls (CR and
 * LF above all) and non-ASCII characters have no safe form and are replaced.
 */
export function quotedString(value: string): string {
  return `"${value.replace(/[^\t\x20-\x7E]/g, '?').replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/** Builds the header value; attributes appear in RFC 6750's order and only when given. */
export function bearerChallenge(params: ChallengeParameters = {}): string {
  const parts: string[] = [];
  // RFC 6750 §3: "The "realm" attribute ... is used in the manner described in HTTP/1.1" (a quoted-string).
  if (params.realm !== undefined) parts.push(`realm=${quotedString(params.realm)}`);
  if (params.scope !== undefined) parts.push(`scope="${restricted(params.scope)}"`);
  if (params.error !== undefined) parts.push(`error="${restricted(params.error)}"`);
  if (params.error_description !== undefined) parts.push(`error_description="${restricted(params.error_description)}"`);
  return parts.length === 0 ? 'Bearer' : `Bearer ${parts.join(', ')}`;
}

/**
 * Scope parsing and granting.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3
 */
import { OAuthError } from './errors.ts';

// scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/** Parses a `scope` parameter into distinct tokens; undefined means "not requested". */
export function parseScope(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  // "The value of the scope parameter is expressed as a list of space-delimited, case-sensitive strings."
  const tokens = value.split(' ').filter((t) => t !== '');
  for (const token of tokens) {
    if (!SCOPE_TOKEN.test(token)) throw new OAuthError('invalid_scope', 'The scope parameter contains a character that is not allowed');
  }
  return [...new Set(tokens)];
}

/**
 * The scope to grant: the requested scope when it is within `allowed`,
 * otherwise `invalid_scope`. When nothing is requested the client's whole
 * allowed scope is granted ("If the client omits the scope parameter ... the
 * authorization server MUST either process the request using a pre-defined
 * default value or fail the request").
 */
export function grantScope(requested: string[] | undefined, allowed: readonly string[]): string[] {
  if (requested === undefined) return [...allowed];
  const refused = requested.filter((s) => !allowed.includes(s));
  if (refused.length > 0) {
    throw new OAuthError('invalid_scope', `The client may not request scope: ${refused.join(' ')}`);
  }
  return requested;
}

/**
 * Whether the response must carry `scope`: RFC 6749 §5.1 makes it "OPTIONAL,
 * if identical to the scope requested by the client; otherwise, REQUIRED".
 * An empty grant to a request that asked for nothing needs no mention.
 */
export function mustReturnScope(requested: string[] | undefined, granted: readonly string[]): boolean {
  if (requested === undefined) return granted.length > 0;
  return requested.length !== granted.length || requested.some((s, i) => s !== granted[i]);
}

/**
 * `application/x-www-form-urlencoded` parsing for the token endpoint, stricter
 * than URLSearchParams: it reports repeated parameters, malformed
 * percent-encoding and non-UTF-8 bytes instead of silently accepting them.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#appendix-B
 */
import { OAuthError } from '../../core/errors.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A new, empty set of request parameters: no prototype to inherit from (a
 * parameter named `__proto__` or `toString` is just a parameter), yet with
 * V8's fast properties, which `Object.create(null)` objects never get (they
 * start as hash tables, where each parameter costs a hashed insert).
 */
export function emptyParameters(): Record<string, string> {
  return new (Parameters as unknown as new () => Record<string, string>)();
}

function Parameters(): void {}
Parameters.prototype = Object.create(null);

/** Decodes bytes as UTF-8 or fails with `invalid_request`. */
export function decodeUtf8(bytes: Uint8Array, what: string): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new OAuthError('invalid_request', `The ${what} is not valid UTF-8`);
  }
}

/** form-url-decoding of one name or value: `+` is a space, then percent-decoding as UTF-8. */
export function formDecode(value: string): string {
  // Most names and values (grant_type=client_credentials) have nothing to decode.
  if (!value.includes('%') && !value.includes('+')) return value;
  try {
    return decodeURIComponent(value.replaceAll('+', ' '));
  } catch {
    throw new OAuthError('invalid_request', 'The request contains malformed percent-encoding or non-UTF-8 bytes');
  }
}

/**
 * Parses a form-encoded string into parameters.
 * RFC 6749 §3.2: "Parameters sent without a value MUST be treated as if they
 * were omitted from the request ... Request and response parameters MUST NOT
 * be included more than once."
 */
export function parseForm(text: string, into: Record<string, string> = emptyParameters()): Record<string, string> {
  if (text === '') return into;
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = formDecode(eq === -1 ? pair : pair.slice(0, eq));
    const value = eq === -1 ? '' : formDecode(pair.slice(eq + 1));
    addParameter(into, name, value);
  }
  return into;
}

/** Adds one parameter, dropping empty values and refusing repeats. */
export function addParameter(params: Record<string, string>, name: string, value: string): void {
  if (value === '') return;
  if (Object.hasOwn(params, name)) {
    throw new OAuthError('invalid_request', `Parameter ${printableName(name)} is included more than once`);
  }
  params[name] = value;
}

function printableName(name: string): string {
  return name.replace(/[^\x20-\x21\x23-\x5B\x5D-\x7E]/g, '?').slice(0, 40);
}

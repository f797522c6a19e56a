/**
 * Lenient, safe parsing of a token endpoint's response into a
 * {@link TokenResult}.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 * @module
 */
import { InvalidTokenResponseError } from './errors.ts';
import { isObject, lenientFields, tokenEndpointErrorFrom } from './error-response.ts';
import { parseJson } from './lenient-json.ts';
import { secretsOf } from './request-secrets.ts';

/**
 * A successful token response, normalised. The vendor's body is kept whole in
 * `fields`, so non-standard members (seed 003's `userName`, `.expires`) are
 * one lookup away.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 */
export interface TokenResult {
  /** The access token. */
  readonly accessToken: string;
  /**
   * `token_type`, lowercased (`Bearer` and `bearer` are the same type, RFC 6749
   * §5.1 says it is case-insensitive). `bearer` when the vendor omits it (seed 004).
   */
  readonly tokenType: string;
  /** The lifetime used for caching, in seconds: the server's `expires_in` or the fallback. */
  readonly expiresIn: number;
  /** Where {@link expiresIn} came from: the response, or the configured fallback. */
  readonly lifetimeSource: 'response' | 'fallback';
  /** When the token expires, in milliseconds since the epoch of the injected clock. */
  readonly expiresAt: number;
  /** The refresh token, if the response carried one. */
  readonly refreshToken?: string | undefined;
  /** The granted scope, if the response says (RFC 6749 §5.1: omitted when equal to the request's). */
  readonly scope?: string | undefined;
  /** The whole response body as parsed, unknown fields included. */
  readonly fields: Readonly<Record<string, unknown>>;
}

/**
 * Options for {@link processTokenResponse}.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 */
export interface ProcessTokenResponseOptions {
  /** The clock, in epoch milliseconds. Default `Date.now`. */
  readonly now?: (() => number) | undefined;
  /**
   * Lifetime in seconds assumed when `expires_in` is missing, not a positive
   * number, or not a numeric string. Default {@link DEFAULT_FALLBACK_LIFETIME}.
   * A fallback, not "never expires": a token without a stated lifetime is
   * still renewed, and a 401 renews it earlier.
   */
  readonly fallbackLifetime?: number | undefined;
}

/**
 * Default for {@link ProcessTokenResponseOptions.fallbackLifetime}: five minutes.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 */
export const DEFAULT_FALLBACK_LIFETIME = 300;

/**
 * Reads `expires_in` leniently: a positive finite number, or a string holding
 * one (seed 001 sends `"3599"`). Anything else (missing, zero, negative,
 * `"soon"`, `null`) answers undefined so the caller uses the fallback.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 */
export function parseExpiresIn(value: unknown): number | undefined {
  const seconds = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) : NaN;
  return Number.isFinite(seconds) && seconds > 0 ? seconds : undefined;
}

/**
 * Reads a token response.
 *
 * - Non-2xx, or a 2xx whose body has an `error` and no `access_token`: throws a
 *   {@link TokenEndpointError} (see `tokenEndpointErrorFrom`).
 * - 2xx: the body must be a JSON object (trailing commas forgiven, see
 *   `lenient-json.ts`) or, when labelled
 *   `application/x-www-form-urlencoded`, a form-encoded one, as some legacy
 *   servers send; otherwise throws {@link InvalidTokenResponseError}.
 * - Field names are matched ignoring case and `_`, so `accessToken` and
 *   `Access_Token` are read as `access_token`.
 * - `access_token` must be a non-empty string; `token_type` is lowercased and
 *   defaults to `bearer`; `expires_in` follows {@link parseExpiresIn}.
 *
 * Responses from this SDK's grant request functions remember the request's
 * secrets, which are scrubbed from any text copied into an error.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
export async function processTokenResponse(response: Response, options: ProcessTokenResponseOptions = {}): Promise<TokenResult> {
  const secrets = secretsOf(response);
  const contentType = response.headers.get('content-type') ?? undefined;
  let text: string;
  try {
    text = await response.text();
  } catch {
    throw new InvalidTokenResponseError(`could not read the token response body (HTTP ${response.status})`, response.status, contentType);
  }
  if (response.status < 200 || response.status > 299) {
    throw tokenEndpointErrorFrom(response.status, contentType, text, secrets);
  }
  const body = successBody(text, contentType);
  if (body === undefined) {
    const kind = text.trim() === '' ? 'an empty body' : `a body that is not a JSON object (${contentType ?? 'no Content-Type'})`;
    throw new InvalidTokenResponseError(`token endpoint answered HTTP ${response.status} with ${kind}`, response.status, contentType);
  }
  const fields = lenientFields(body);
  const accessToken = fields.get('accesstoken');
  if (fields.has('error') && accessToken === undefined) {
    throw tokenEndpointErrorFrom(response.status, contentType, text, secrets);
  }
  if (typeof accessToken !== 'string' || accessToken === '') {
    throw new InvalidTokenResponseError(`token response has no access_token string (HTTP ${response.status})`, response.status, contentType);
  }
  const tokenType = fields.get('tokentype');
  if (tokenType !== undefined && tokenType !== null && typeof tokenType !== 'string') {
    throw new InvalidTokenResponseError(`token response has a token_type that is not a string`, response.status, contentType);
  }
  const refreshToken = fields.get('refreshtoken');
  const scope = fields.get('scope');
  const fromResponse = parseExpiresIn(fields.get('expiresin'));
  const expiresIn = fromResponse ?? options.fallbackLifetime ?? DEFAULT_FALLBACK_LIFETIME;
  const now = (options.now ?? Date.now)();
  return Object.freeze({
    accessToken,
    tokenType: typeof tokenType === 'string' && tokenType.trim() !== '' ? tokenType.trim().toLowerCase() : 'bearer',
    expiresIn,
    lifetimeSource: fromResponse === undefined ? 'fallback' : 'response',
    expiresAt: now + expiresIn * 1000,
    refreshToken: typeof refreshToken === 'string' && refreshToken !== '' ? refreshToken : undefined,
    scope: typeof scope === 'string' ? scope : Array.isArray(scope) ? scope.join(' ') : undefined,
    fields: Object.freeze({ ...body }),
  });
}

function successBody(text: string, contentType: string | undefined): Record<string, unknown> | undefined {
  const json = parseJson(text.trim());
  if (isObject(json)) return json;
  if (json === undefined && /^application\/x-www-form-urlencoded/i.test(contentType ?? '')) {
    return Object.fromEntries(new URLSearchParams(text.trim()));
  }
  return undefined;
}

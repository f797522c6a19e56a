/**
 * The shape of a token request on the wire: method, where the parameters go,
 * how they are encoded, and how the client authenticates. Vendors differ on
 * every one of these (see the seed table in docs/client.md); strict RFC 6749 is
 * the default and every departure is a named field.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.2
 * @module
 */
import { CLIENT_AUTH_METHODS, type ClientAuthMethod } from './client-auth.ts';
import { ClientConfigurationError } from './errors.ts';

/**
 * How to send a token request. Every field is optional; the defaults are RFC
 * 6749's: `POST`, form-encoded body, `client_secret_basic`.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.2
 * @see https://www.rfc-editor.org/rfc/rfc6749#appendix-B
 */
export interface TokenRequestDialect {
  /**
   * `POST` (RFC 6749 §3.2: "The client MUST use the HTTP POST method") or
   * `GET`. A GET with `parameterLocation: 'body'` needs a transport that can
   * send a GET body (fetch cannot); see `nodeTransport` in `tessera/client/node`.
   */
  readonly method?: 'POST' | 'GET' | undefined;
  /** `form` (`application/x-www-form-urlencoded`, RFC 6749 Appendix B) or `json`. */
  readonly bodyFormat?: 'form' | 'json' | undefined;
  /** `body` (default) or `query`: the parameters form-encoded into the URL's query instead. */
  readonly parameterLocation?: 'body' | 'query' | undefined;
  /** How the client authenticates; see {@link ClientAuthMethod}. */
  readonly clientAuth?: ClientAuthMethod | undefined;
  /**
   * Overrides the Content-Type header, for vendors whose documented request
   * labels its body wrongly (seed 003 sends a form body as `application/json`).
   */
  readonly contentType?: string | undefined;
  /** Extra request headers (never `Authorization` together with a Basic method). */
  readonly headers?: Readonly<Record<string, string>> | undefined;
}

/**
 * A {@link TokenRequestDialect} with every default filled in.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.2
 */
export interface ResolvedDialect {
  readonly method: 'POST' | 'GET';
  readonly bodyFormat: 'form' | 'json';
  readonly parameterLocation: 'body' | 'query';
  readonly clientAuth: ClientAuthMethod;
  /** The Content-Type to send with a body, or undefined when there is no body. */
  readonly contentType: string | undefined;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * Media types for {@link TokenRequestDialect.bodyFormat}.
 * @see https://www.rfc-editor.org/rfc/rfc6749#appendix-B
 */
export const BODY_CONTENT_TYPES = {
  form: 'application/x-www-form-urlencoded',
  json: 'application/json',
} as const;

/**
 * Merges dialect layers (later layers win field by field, `undefined` fields
 * do not override) and fills in defaults. Throws a
 * {@link ClientConfigurationError} for values outside the allowed sets, which
 * matters for callers assembling a dialect from untyped input such as the CLI.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.2
 */
export function resolveDialect(...layers: ReadonlyArray<TokenRequestDialect | undefined>): ResolvedDialect {
  const merged: {
    method?: string | undefined;
    bodyFormat?: string | undefined;
    parameterLocation?: string | undefined;
    clientAuth?: string | undefined;
    contentType?: string | undefined;
    headers?: Readonly<Record<string, string>> | undefined;
  } = {};
  for (const layer of layers) {
    if (layer === undefined) continue;
    for (const [key, value] of Object.entries(layer)) {
      if (value !== undefined) (merged as Record<string, unknown>)[key] = value;
    }
  }
  const method = oneOf('method', merged.method ?? 'POST', ['POST', 'GET'] as const);
  const bodyFormat = oneOf('bodyFormat', merged.bodyFormat ?? 'form', ['form', 'json'] as const);
  const parameterLocation = oneOf('parameterLocation', merged.parameterLocation ?? 'body', ['body', 'query'] as const);
  const clientAuth = oneOf('clientAuth', merged.clientAuth ?? 'client_secret_basic', CLIENT_AUTH_METHODS);
  const hasBody = parameterLocation === 'body';
  const contentType = merged.contentType ?? (hasBody ? BODY_CONTENT_TYPES[bodyFormat] : undefined);
  return { method, bodyFormat, parameterLocation, clientAuth, contentType, headers: { ...merged.headers } };
}

function oneOf<T extends string>(field: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new ClientConfigurationError(`dialect.${field} must be one of ${allowed.join(', ')}; got '${value}'`);
}

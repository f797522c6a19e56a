/**
 * A `fetch` for calling protected APIs: adds `Authorization: Bearer` from a
 * token source and, when the API answers 401, renews the token and retries the
 * request once.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-2.1
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3.1
 * @module
 */
import { InvalidTokenResponseError } from './errors.ts';
import type { TokenRequestParameters } from './parameters.ts';
import type { TokenSource } from './token-source.ts';

/**
 * Options for {@link createAuthenticatedFetch}.
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-2.1
 */
export interface AuthenticatedFetchOptions extends TokenRequestParameters {
  /** The fetch used for API calls. Defaults to the global `fetch`, looked up at call time. */
  readonly fetch?: typeof fetch | undefined;
}

/**
 * What `fetch` accepts as its first argument: the DOM library's `RequestInfo | URL`,
 * spelled out so the declarations need neither the DOM library nor Node's types.
 */
export type FetchInput = string | URL | Request;

/**
 * What {@link createAuthenticatedFetch} returns: `fetch`'s signature.
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-2.1
 */
export type AuthenticatedFetch = (input: FetchInput, init?: RequestInit) => Promise<Response>;

/**
 * Wraps `fetch` so every request carries `Authorization: Bearer <token>` from
 * `source` (scope, audience and params select which token).
 *
 * On a 401 the rejected token is invalidated, and if the request body can be
 * sent again (none, a string, `URLSearchParams`, `FormData`, `Blob`, or bytes)
 * the request is retried once with a new token; the retry's answer is returned
 * whatever it is. A `ReadableStream` body, or a `Request` object that has a
 * body, was consumed by the first attempt, so its 401 is returned as is (the
 * next call still gets a new token). Only `bearer` tokens are sent.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-2.1
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3.1
 */
export function createAuthenticatedFetch(
  source: Pick<TokenSource, 'getToken' | 'invalidate'>,
  options: AuthenticatedFetchOptions = {},
): AuthenticatedFetch {
  const { fetch: customFetch, ...parameters } = options;
  const call = (input: FetchInput, init: RequestInit | undefined, token: string) =>
    (customFetch ?? globalThis.fetch)(input, { ...init, headers: withBearer(input, init, token) });

  return async (input, init) => {
    const first = await bearerToken(source, parameters);
    const response = await call(input, init, first);
    if (response.status !== 401) return response;
    source.invalidate(first);
    if (!isReplayable(input, init)) return response;
    // Free the connection before retrying; the body of a 401 is not needed.
    await response.body?.cancel().catch(() => undefined);
    const second = await bearerToken(source, parameters);
    return call(input, init, second);
  };
}

async function bearerToken(source: Pick<TokenSource, 'getToken'>, parameters: TokenRequestParameters): Promise<string> {
  const token = await source.getToken(parameters);
  if (token.tokenType !== 'bearer') {
    throw new InvalidTokenResponseError(`cannot send a '${token.tokenType}' token as Bearer`, 200, undefined);
  }
  return token.accessToken;
}

function withBearer(input: FetchInput, init: RequestInit | undefined, token: string): Headers {
  const headers = new Headers(input instanceof Request ? input.headers : undefined);
  new Headers(init?.headers).forEach((value, name) => headers.set(name, value));
  headers.set('authorization', `Bearer ${token}`);
  return headers;
}

/**
 * Whether the request can be sent a second time with the same body.
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3.1
 */
export function isReplayable(input: FetchInput, init: RequestInit | undefined): boolean {
  const body = init?.body;
  if (body !== undefined && body !== null) return !(body instanceof ReadableStream);
  return !(input instanceof Request && input.body !== null);
}

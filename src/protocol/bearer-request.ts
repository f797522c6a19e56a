/**
 * A request to a protected resource as any Bearer-protected endpoint reads
 * it, whichever framework received it, and the extraction of its access
 * token: the one RFC 6750 §2 reader, shared by Tessera's admin API and by
 * `tessera/verify`. Dependency-free, so it runs on any runtime.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-2
 */

/**
 * Why a request carries no usable Bearer token. `code` is undefined when it
 * carries no Bearer credentials at all: RFC 6750 §3.1 says the challenge then
 * names no error.
 */
export interface BearerRefusal {
  code: 'invalid_request' | undefined;
  description: string;
  /** Why, for logs; never sent. */
  detail?: string;
}

const refusal = (code: BearerRefusal['code'], description: string, detail?: string): BearerRefusal =>
  detail === undefined ? { code, description } : { code, description, detail };

/** Header values as Node (`IncomingHttpHeaders`), Fastify, Express or the Web `Headers` give them. */
export type HeaderSource = Headers | Readonly<Record<string, string | readonly string[] | undefined>>;

export interface BearerRequest {
  headers: HeaderSource;
  /**
   * Node's raw header list (`req.rawHeaders`), when there is one: Node keeps
   * the first of repeated `Authorization` headers and drops the others, so
   * only this list shows that a request carried two.
   */
  rawHeaders?: readonly string[] | undefined;
  /** The request URL (path and query, or absolute): read only to refuse or take a query-string token. */
  url?: string | undefined;
}

export interface TokenExtractionOptions {
  /** Accept `?access_token=` (RFC 6750 §2.3). Off by default: URLs end up in logs, histories and Referer headers. */
  allowQueryToken?: boolean;
}

// RFC 6750 §2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
const MISSING = 'An access token is required';

function headerValues(headers: HeaderSource, name: string): string[] {
  if (typeof (headers as Headers).get === 'function' && typeof (headers as Headers).has === 'function') {
    const value = (headers as Headers).get(name);
    return value === null ? [] : [value];
  }
  const record = headers as Readonly<Record<string, string | readonly string[] | undefined>>;
  const found = Object.keys(record).filter((k) => k.toLowerCase() === name);
  return found.flatMap((k) => {
    const value = record[k];
    return value === undefined ? [] : typeof value === 'string' ? [value] : [...value];
  });
}

function rawCount(rawHeaders: readonly string[] | undefined, name: string): number {
  let count = 0;
  for (let i = 0; rawHeaders !== undefined && i < rawHeaders.length; i += 2) if (rawHeaders[i]!.toLowerCase() === name) count++;
  return count;
}

function queryTokens(url: string | undefined): string[] {
  if (url === undefined || !url.includes('?')) return [];
  try {
    return new URL(url, 'http://resource.invalid').searchParams.getAll('access_token');
  } catch {
    return [];
  }
}

/**
 * The access token a request carries, or the {@link BearerRefusal} that says
 * why it carries none that can be used.
 */
export function readBearerToken(request: BearerRequest, options: TokenExtractionOptions = {}): string | BearerRefusal {
  const values = headerValues(request.headers, 'authorization');
  const fromQuery = queryTokens(request.url);
  if (values.length > 1 || rawCount(request.rawHeaders, 'authorization') > 1) {
    return refusal('invalid_request', 'The request has more than one Authorization header');
  }
  if (fromQuery.length > 0) {
    if (!options.allowQueryToken) {
      return refusal('invalid_request', 'Access tokens in the query string are not accepted; send an Authorization: Bearer header');
    }
    // §2: "Clients MUST NOT use more than one method to transmit the token in each request."
    if (fromQuery.length > 1 || values.length > 0) return refusal('invalid_request', 'The request carries more than one access token');
    return checkSyntax(fromQuery[0]!);
  }
  const header = values[0]?.trim();
  if (header === undefined || header === '') return refusal(undefined, MISSING);
  const match = /^(\S+)(?:[ \t]+(.*))?$/.exec(header);
  // RFC 9110 §11.1: "It uses a case-insensitive token to identify the authentication scheme". Another scheme
  // (Basic, say) carries no Bearer credentials: the client is told which scheme to use, without an error code.
  if (match === null || match[1]!.toLowerCase() !== 'bearer') return refusal(undefined, MISSING, 'another authentication scheme');
  const credentials = match[2];
  if (credentials === undefined || credentials === '') return refusal('invalid_request', 'The Authorization header has no token after Bearer');
  return checkSyntax(credentials);
}

function checkSyntax(token: string): string | BearerRefusal {
  if (!B64TOKEN.test(token)) return refusal('invalid_request', 'The access token is malformed');
  return token;
}

/**
 * Which web origins' scripts may call Tessera's OAuth endpoints from a
 * browser: the server's `corsOrigins` (configuration) and the tenant's own
 * (a tenant setting). Off by default: with both lists empty no request gets
 * a CORS header, and browsers keep other origins' scripts out as they would
 * without Tessera saying anything.
 *
 * The tenant is the one the request names by path (`/t/<tenant>/…`) or
 * Host, else the default tenant: a preflight carries no body, so a `tenant`
 * body parameter cannot choose it. Browser apps of a tenant other than the
 * default one address it by path or host name.
 *
 * @see https://fetch.spec.whatwg.org/#http-cors-protocol
 */
import type { Discovery } from '../../core/discovery.ts';
import { ANY_ORIGIN, parseOrigin } from '../../core/web-origin.ts';
import { hostName } from '../parse/token-request-from-http.ts';

/** The routes that answer browsers: the OAuth endpoints and the documents a browser client discovers them by. */
export const CORS_ROUTES: ReadonlySet<string> = new Set(['token', 'introspection', 'revocation', 'metadata', 'jwks']);

/** Request headers a page may send beyond the CORS-safelisted ones: client authentication, JSON bodies (seed 004), request ids. */
export const CORS_ALLOWED_HEADERS: readonly string[] = ['authorization', 'content-type', 'x-request-id'];

/** Response headers a page may read beyond the safelisted ones: the Basic challenge of a 401, a 503's Retry-After, the request id. */
export const CORS_EXPOSED_HEADERS = 'WWW-Authenticate, Retry-After, X-Request-Id';

/** How long a browser may reuse a preflight's answer (Chromium caps it at two hours). */
export const PREFLIGHT_MAX_AGE_SECONDS = 600;

const METADATA_TENANT = /^\/\.well-known\/oauth-authorization-server\/t\/([^/]+)\/?$/;

/** The tenant a path names (`/t/<tenant>/…`, or RFC 8414's `/.well-known/oauth-authorization-server/t/<tenant>`). */
export function tenantOfPath(path: string): string | undefined {
  const encoded = path.startsWith('/t/') ? path.slice(3).split('/', 1)[0] : METADATA_TENANT.exec(path)?.[1];
  if (encoded === undefined || encoded === '') return undefined;
  try {
    return decodeURIComponent(encoded);
  } catch {
    return undefined;
  }
}

export class CorsPolicy {
  readonly #server: ReadonlySet<string>;
  readonly #discovery: Pick<Discovery, 'tenant'>;

  /** `origins`: the server's own list, for every tenant (already in the form parseOrigin gives). */
  constructor(options: { discovery: Pick<Discovery, 'tenant'>; origins: readonly string[] }) {
    this.#server = new Set(options.origins);
    this.#discovery = options.discovery;
  }

  /** Whether a page of `origin` may call the endpoint at `path` of the tenant that path or `host` names. */
  async allows(origin: string, path: string, host: string | undefined): Promise<boolean> {
    // Only a real origin, sent as browsers serialize it: never `null` (sandboxed frames, file: pages).
    if (parseOrigin(origin) !== origin || origin === ANY_ORIGIN) return false;
    if (this.#server.has(ANY_ORIGIN) || this.#server.has(origin)) return true;
    let corsOrigins: readonly string[];
    try {
      corsOrigins = (await this.#discovery.tenant({ parameter: tenantOfPath(path), host: hostName(host) })).corsOrigins;
    } catch {
      return false; // an unknown tenant allows no one; the route answers the request itself
    }
    return corsOrigins.includes(ANY_ORIGIN) || corsOrigins.includes(origin);
  }
}

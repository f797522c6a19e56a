/**
 * CORS on the request pipeline, for the routes a browser client calls
 * (cors/cors-policy.ts names them). On both request paths alike, before the
 * route runs:
 *
 * - a request with an `Origin` the policy allows gets
 *   `Access-Control-Allow-Origin` (that origin, with `Vary: Origin`) and the
 *   response headers a page may read;
 * - a preflight (`OPTIONS` with `Access-Control-Request-Method`) from an
 *   allowed origin, for a method and headers the route accepts, gets the
 *   methods, headers and a max age, and the OPTIONS route answers 204; any
 *   other preflight is refused with 403 in the route's error format, naming
 *   what is not allowed (the browser then refuses the page's request);
 * - requests without `Origin` (servers, curl) are not looked at, so the fast
 *   path stays synchronous.
 *
 * No `Access-Control-Allow-Credentials`: Tessera uses no cookies, and a page
 * sends client credentials or a password in an explicit header or body.
 *
 * @see https://fetch.spec.whatwg.org/#http-cors-protocol
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { OAuthError } from '../../../core/errors.ts';
import { CORS_ALLOWED_HEADERS, CORS_EXPOSED_HEADERS, CORS_ROUTES, PREFLIGHT_MAX_AGE_SECONDS, type CorsPolicy } from '../../cors/cors-policy.ts';
import type { RequestContext } from '../request-context.ts';
import type { RequestHook } from '../request-pipeline.ts';

/** The metadata and the key set may be cached by shared caches: their answer varies with `Origin` whenever CORS could apply. */
const CACHEABLE = new Set(['metadata', 'jwks']);

export function corsHook(policy: CorsPolicy): RequestHook {
  return {
    name: 'cors',
    onRequest(context, request, response) {
      const route = context.route.name;
      if (!CORS_ROUTES.has(route)) return;
      if (CACHEABLE.has(route)) response.setHeader('vary', 'Origin');
      const origin = request.headers.origin;
      if (origin === undefined) return;
      const preflight = context.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined;
      return policy.allows(origin, context.path, request.headers.host).then((allowed) => {
        if (preflight) answerPreflight(context, request, response, origin, allowed);
        else if (allowed) allow(response, origin);
      });
    },
  };
}

function allow(response: ServerResponse, origin: string): void {
  response.setHeader('access-control-allow-origin', origin);
  response.setHeader('vary', 'Origin');
  response.setHeader('access-control-expose-headers', CORS_EXPOSED_HEADERS);
}

function answerPreflight(context: RequestContext, request: IncomingMessage, response: ServerResponse, origin: string, allowed: boolean): void {
  response.setHeader('vary', 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers');
  const refuse = (why: string) => {
    throw new OAuthError('invalid_request', `CORS preflight refused: ${why}`, { status: 403 });
  };
  if (!allowed) refuse(`origin ${origin} is not in the tenant's or the server's corsOrigins`);
  const methods = context.route.methods ?? [];
  const method = String(request.headers['access-control-request-method']);
  if (!methods.includes(method)) refuse(`method ${method} is not served here (${methods.join(', ')})`);
  const asked = String(request.headers['access-control-request-headers'] ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter((h) => h !== '');
  const refused = asked.filter((h) => !CORS_ALLOWED_HEADERS.includes(h));
  if (refused.length > 0) refuse(`header ${refused.join(', ')} is not accepted (${CORS_ALLOWED_HEADERS.join(', ')} are)`);
  response.setHeader('access-control-allow-origin', origin);
  response.setHeader('access-control-allow-methods', methods.join(', '));
  if (asked.length > 0) response.setHeader('access-control-allow-headers', asked.join(', '));
  response.setHeader('access-control-max-age', String(PREFLIGHT_MAX_AGE_SECONDS));
}

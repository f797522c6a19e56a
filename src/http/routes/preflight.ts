/**
 * `OPTIONS` on the endpoints a browser calls (token, introspection,
 * revocation, metadata, JWKS): 204 with `Allow`. The CORS hook on the request
 * pipeline has already decided a preflight (pipeline/hooks/cors.ts): it adds
 * the `Access-Control-*` headers or refuses. Preflights always come here,
 * never to the direct dispatcher, which serves only the endpoints' own methods.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-9.3.7
 */
import type { FastifyInstance } from 'fastify';
import { withTenantPrefix } from '../endpoint-paths.ts';
import type { FormEndpoint } from '../form-endpoints.ts';
import { routeConfig } from '../pipeline/fastify-pipeline.ts';
import type { RouteInfo } from '../pipeline/request-context.ts';
import { JWKS_ROUTE, JWKS_URLS } from './jwks.ts';
import { METADATA_ROUTE, METADATA_URLS } from './metadata.ts';

export async function preflightRoutes(app: FastifyInstance, options: { endpoints: readonly FormEndpoint[] }): Promise<void> {
  const answer = (url: string, route: RouteInfo) => {
    const allow = [...(route.methods ?? []), 'OPTIONS'].join(', ');
    app.options(url, routeConfig(route), async (_request, reply) => reply.code(204).header('allow', allow).send());
  };
  for (const endpoint of options.endpoints) for (const url of withTenantPrefix(endpoint.path)) answer(url, endpoint.route);
  for (const url of METADATA_URLS) answer(url, METADATA_ROUTE);
  for (const url of JWKS_URLS) answer(url, JWKS_ROUTE);
}

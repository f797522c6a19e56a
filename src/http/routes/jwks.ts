/**
 * `GET /.well-known/jwks.json` (and `/t/<tenant>/.well-known/jwks.json`): the
 * tenant's public signing keys — the active one, those pre-published by a
 * rotation, and those still verifying tokens they signed.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7517#section-5
 */
import type { FastifyInstance } from 'fastify';
import type { Discovery } from '../../core/discovery.ts';
import { discoveryHint } from '../discovery-tenant.ts';
import { ENDPOINT_PATHS, withTenantPrefix } from '../endpoint-paths.ts';
import { routeConfig } from '../pipeline/fastify-pipeline.ts';
import type { RouteInfo } from '../pipeline/request-context.ts';

/**
 * How long verifiers may cache the key set. Keep it well below the key
 * pre-publication delay, so every cache holds a new key before it signs.
 */
export const JWKS_MAX_AGE_SECONDS = 300;

export const JWKS_ROUTE: RouteInfo = { name: 'jwks', errorFormat: 'oauth', methods: ['GET'] };

/** Where the key set is served. */
export const JWKS_URLS: readonly string[] = withTenantPrefix(ENDPOINT_PATHS.jwks);

export async function jwksRoutes(app: FastifyInstance, options: { discovery: Discovery }): Promise<void> {
  const { discovery } = options;
  for (const url of JWKS_URLS) {
    app.get(url, routeConfig(JWKS_ROUTE), async (request, reply) => {
      const keys = await discovery.publicKeys(await discovery.tenant(discoveryHint(request)));
      return reply
        .header('cache-control', `public, max-age=${JWKS_MAX_AGE_SECONDS}`)
        .type('application/json; charset=utf-8')
        .send(JSON.stringify({ keys }));
    });
  }
}

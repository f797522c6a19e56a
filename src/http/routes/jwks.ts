/**
 * `GET /.well-known/jwks.json` (and `/t/<tenant>/.well-known/jwks.json`): the
 * tenant's public signing keys — the active one, those pre-published by a
 * rotation, and those still verifying tokens they signed.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7517#section-5
 */
import type { FastifyInstance } from 'fastify';
import type { JWK } from 'jose';
import type { Tessera } from '../../tessera.ts';
import { discoveryTenant } from '../discovery-tenant.ts';
import { ENDPOINT_PATHS, withTenantPrefix } from '../endpoint-paths.ts';
import { sendOAuthError } from '../oauth-error-reply.ts';

/**
 * How long verifiers may cache the key set. Keep it well below the key
 * pre-publication delay, so every cache holds a new key before it signs.
 */
export const JWKS_MAX_AGE_SECONDS = 300;

/** JWK members that only private (or symmetric) keys have; never published. */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

export function publicOnly(jwk: JWK): JWK {
  return Object.fromEntries(Object.entries(jwk).filter(([name]) => !PRIVATE_MEMBERS.includes(name))) as JWK;
}

export async function jwksRoutes(app: FastifyInstance, options: { tessera: Tessera }): Promise<void> {
  const { tessera } = options;
  app.setErrorHandler((error, request, reply) => sendOAuthError(error, request, reply));
  for (const url of withTenantPrefix(ENDPOINT_PATHS.jwks)) {
    app.get(url, async (request, reply) => {
      const tenant = await discoveryTenant(request, tessera.store.tenants, tessera.defaultTenantId);
      // A tenant that never signed still has a key to publish: the one it will sign with.
      await tessera.keys.activeKey(tenant);
      const keys = (await tessera.keys.publicKeys(tenant.id)).map(publicOnly);
      return reply
        .header('cache-control', `public, max-age=${JWKS_MAX_AGE_SECONDS}`)
        .type('application/json; charset=utf-8')
        .send(JSON.stringify({ keys }));
    });
  }
}

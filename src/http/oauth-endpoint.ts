/**
 * What the OAuth endpoints' Fastify routes share: a 405, as an OAuth error,
 * for the methods an endpoint does not serve.
 */
import type { FastifyInstance } from 'fastify';
import { OAuthError } from '../core/errors.ts';

const ALL_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** Answers every method but `allowed` at `url` with 405 and an `Allow` header. */
export function refuseOtherMethods(app: FastifyInstance, url: string, allowed: readonly string[], endpoint: string): void {
  const allow = allowed.join(', ');
  app.route({
    method: ALL_METHODS.filter((m) => !allowed.includes(m)),
    url,
    handler: async () => {
      throw new OAuthError('invalid_request', `Method not allowed at the ${endpoint}; use ${allow}`, { status: 405, headers: { allow } });
    },
  });
}

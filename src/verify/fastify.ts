/**
 * Fastify binding (`@tessera-oauth/verify/fastify`): a hook that lets a
 * request through only with an access token meeting the route's
 * requirements, and sets `request.auth`. An entry point of its own, so the
 * main one names no Fastify type.
 *
 * ```ts
 * import { fastifyBearer } from '@tessera-oauth/verify/fastify';
 * app.get('/accounts', { onRequest: fastifyBearer(verifier, { scopes: ['read'], accountParameter: 'account' }) },
 *   async (request) => listAccounts(request.auth!.selectedAccounts));
 * ```
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { BearerAuth } from './principal.ts';
import type { BearerRequirements, BearerVerifier } from './verifier.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by {@link fastifyBearer} once the access token is accepted. */
    auth?: BearerAuth;
  }
}

export type FastifyBearerHook = (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined>;

/** An `onRequest` (or `preHandler`) hook; on refusal it answers with the RFC 6750 error itself. */
export function fastifyBearer(verifier: BearerVerifier, requirements: BearerRequirements = {}): FastifyBearerHook {
  return async function bearer(request, reply) {
    const result = await verifier.authenticate({ headers: request.headers, rawHeaders: request.raw.rawHeaders, url: request.url }, requirements);
    if (!result.ok) {
      const { status, headers, body } = result.error.response(verifier.realm);
      return reply.code(status).headers(headers).send(JSON.stringify(body));
    }
    request.auth = result.auth;
    return undefined;
  };
}

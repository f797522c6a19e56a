/**
 * What the form-posting OAuth endpoints (token, introspection, revocation)
 * share: raw bodies parsed by Tessera itself, OAuth error replies, a 405 for
 * other methods, and the wire input the parsers take.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { OAuthError } from '../core/errors.ts';
import { pathTenant } from './endpoint-paths.ts';
import { sendOAuthError } from './oauth-error-reply.ts';
import type { HttpTokenInput } from './parse/token-request-from-http.ts';

const ALL_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/**
 * Sets up an (encapsulated) plugin for OAuth endpoints: the binding parses
 * bodies itself, because it must see repeated parameters, bad UTF-8 and lying
 * Content-Types, which generic parsers hide; every error is an OAuth error.
 */
export function prepareOAuthEndpoints(app: FastifyInstance, bodyLimitBytes: number): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: bodyLimitBytes }, (_request, body, done) => done(null, body));
  app.setErrorHandler((error, request, reply) => sendOAuthError(error, request, reply));
}

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

/** The request as the wire parsers take it. */
export function httpInput(request: FastifyRequest, body: Buffer | undefined): HttpTokenInput {
  const queryStart = request.url.indexOf('?');
  return {
    method: request.method,
    query: queryStart === -1 ? '' : request.url.slice(queryStart + 1),
    contentType: request.headers['content-type'],
    authorization: request.headers.authorization,
    host: request.headers.host,
    body,
    remoteAddress: request.ip,
    // The client closed the connection: nothing will read the answer.
    abandoned: () => request.raw.socket?.destroyed === true,
    pathTenant: pathTenant(request.params),
  };
}

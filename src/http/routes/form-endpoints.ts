/**
 * The form-posting OAuth endpoints as Fastify routes, each at its path and
 * its `/t/<tenant>` twin, with a 405 for other methods. Live traffic to
 * these paths normally never reaches Fastify (direct-dispatch.ts serves it);
 * these routes serve `app.inject()` and any request the direct table leaves
 * to Fastify, with the same serveFormRequest.
 */
import type { FastifyInstance } from 'fastify';
import { pathTenant, withTenantPrefix } from '../endpoint-paths.ts';
import type { FormEndpoint } from '../form-endpoints.ts';
import { serveFormRequest, type FormRequestContext } from '../form-request.ts';
import { refuseOtherMethods } from '../oauth-endpoint.ts';
import { sendOAuthError } from '../oauth-error-reply.ts';

export interface FormEndpointRoutesOptions extends FormRequestContext {
  endpoints: readonly FormEndpoint[];
}

export async function formEndpointRoutes(app: FastifyInstance, options: FormEndpointRoutesOptions): Promise<void> {
  // serveFormRequest reads the body itself (it must see repeated parameters, bad UTF-8 and lying
  // Content-Types, which generic parsers hide), so Fastify must leave the stream unread.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, _payload, done) => done(null));
  app.setErrorHandler((error, request, reply) => sendOAuthError(error, request, reply));
  for (const endpoint of options.endpoints) {
    for (const url of withTenantPrefix(endpoint.path)) {
      app.route({
        method: [...endpoint.methods],
        url,
        handler: (request, reply) => {
          reply.hijack();
          return serveFormRequest(endpoint, request.raw, reply.raw, pathTenant(request.params), options, () => request.log);
        },
      });
      refuseOtherMethods(app, url, endpoint.methods, endpoint.name);
    }
  }
}

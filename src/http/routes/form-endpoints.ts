/**
 * The form-posting OAuth endpoints as Fastify routes, each at its path and
 * its `/t/<tenant>` twin, with a 405 for other methods. Live traffic to
 * these paths normally never reaches Fastify (direct-dispatch.ts serves it);
 * these routes serve `app.inject()` and any request the direct table leaves
 * to Fastify, with the same serveFormRequest.
 */
import type { FastifyInstance } from 'fastify';
import { OAuthError } from '../../core/errors.ts';
import { pathTenant, withTenantPrefix } from '../endpoint-paths.ts';
import type { FormEndpoint } from '../form-endpoints.ts';
import { serveFormRequest, type FormRequestOptions } from '../form-request.ts';
import { contextOf, routeConfig } from '../pipeline/fastify-pipeline.ts';

export interface FormEndpointRoutesOptions extends FormRequestOptions {
  endpoints: readonly FormEndpoint[];
}

const ALL_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

export async function formEndpointRoutes(app: FastifyInstance, options: FormEndpointRoutesOptions): Promise<void> {
  // serveFormRequest reads the body itself (it must see repeated parameters, bad UTF-8 and lying
  // Content-Types, which generic parsers hide), so Fastify must leave the stream unread.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, _payload, done) => done(null));
  for (const endpoint of options.endpoints) {
    const allow = endpoint.methods.join(', ');
    for (const url of withTenantPrefix(endpoint.path)) {
      app.route({
        method: [...endpoint.methods],
        url,
        ...routeConfig(endpoint.route),
        handler: (request, reply) => {
          reply.hijack();
          return serveFormRequest(endpoint, request.raw, reply.raw, pathTenant(request.params), contextOf(request), options);
        },
      });
      app.route({
        method: ALL_METHODS.filter((m) => !endpoint.methods.includes(m)),
        url,
        ...routeConfig(endpoint.route),
        handler: async () => {
          throw new OAuthError('invalid_request', `Method not allowed at the ${endpoint.name}; use ${allow}`, { status: 405, headers: { allow } });
        },
      });
    }
  }
}

/**
 * The admin API under `/admin/v1`: REST and JSON, Bearer-protected, errors
 * as RFC 9457 problems, lists paginated with RFC 8288 links, documented by an
 * OpenAPI 3.1 document at `/admin/v1/openapi.json`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppServices } from '../app-services.ts';
import { authenticateAdmin, requireGlobalAccess, requireTenantAccess, type AdminPrincipal } from './admin-auth.ts';
import type { AdminRoute } from './admin-route.ts';
import { openApiDocument } from './openapi.ts';
import { contextOf, routeConfig } from '../pipeline/fastify-pipeline.ts';
import { accessNumberRoutes } from './routes/access-numbers.ts';
import { activityRoutes } from './routes/activity.ts';
import { auditRoutes } from './routes/audit.ts';
import { clientRoutes } from './routes/clients.ts';
import { keyRoutes } from './routes/keys.ts';
import { rateLimitRoutes } from './routes/rate-limits.ts';
import { tenantRoutes } from './routes/tenants.ts';
import { userRoutes } from './routes/users.ts';

export const ADMIN_PREFIX = '/admin/v1';
export const OPENAPI_PATH = `${ADMIN_PREFIX}/openapi.json`;

const ADMIN_ROUTE = { name: 'admin', errorFormat: 'problem' } as const;

/** Every admin route; registration and the OpenAPI document both read this list. */
export const ADMIN_ROUTES: readonly AdminRoute[] = [
  ...tenantRoutes, ...clientRoutes, ...userRoutes, ...accessNumberRoutes, ...keyRoutes, ...auditRoutes, ...rateLimitRoutes, ...activityRoutes,
];

export async function adminPlugin(app: FastifyInstance, options: { services: AppServices; version: string }): Promise<void> {
  const { services } = options;
  const document = openApiDocument(ADMIN_ROUTES, ADMIN_PREFIX, options.version);
  app.get(OPENAPI_PATH, routeConfig(ADMIN_ROUTE), async (_request, reply) => reply.header('cache-control', 'no-cache').send(document));

  // Who is asking is settled in onRequest, before the body is parsed or validated:
  // an unauthenticated caller learns nothing about what a valid body looks like.
  const principals = new WeakMap<FastifyRequest, AdminPrincipal>();
  for (const route of ADMIN_ROUTES) {
    app.route({
      method: route.method,
      url: ADMIN_PREFIX + route.path,
      ...routeConfig(ADMIN_ROUTE),
      schema: {
        ...(route.params ? { params: route.params } : {}),
        ...(route.query ? { querystring: route.query } : {}),
        ...(route.body ? { body: route.body } : {}),
      },
      onRequest: async (request: FastifyRequest) => {
        const principal = await authenticateAdmin(
          { headers: request.headers, rawHeaders: request.raw.rawHeaders, url: request.url },
          services.readAccessToken,
          services.defaultTenantId,
        );
        // Its own limit, before what it asks is checked: an administrator's script in a loop slows down here.
        await contextOf(request).report({ kind: 'administrator', ...principal.client });
        if (route.access === 'global') requireGlobalAccess(principal);
        if (route.access === 'tenant') requireTenantAccess(principal, (request.params as Record<string, string>).tenantId!);
        principals.set(request, principal);
      },
      handler: async (request: FastifyRequest, reply: FastifyReply) =>
        route.handler({
          services: services.admin,
          principal: principals.get(request)!,
          request,
          reply,
          params: request.params as Record<string, string>,
          query: (request.query ?? {}) as Record<string, string | undefined>,
          body: request.body,
        }),
    });
  }
}

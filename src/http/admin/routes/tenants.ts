import type { CreateTenantInput, TenantSettings } from '../../../admin/tenants.ts';
import { canAccess, requireGlobalAccess } from '../admin-auth.ts';
import type { AdminRoute } from '../admin-route.ts';
import { listReply, pageOfAll } from '../list-reply.ts';
import { LIST_QUERY_SCHEMA } from '../pagination.ts';
import { pageOf, pathParams, TENANT, TENANT_CREATE, TENANT_UPDATE } from '../schemas.ts';
import { ERRORS } from './common-responses.ts';

const tenantParams = pathParams('tenantId');

export const tenantRoutes: AdminRoute[] = [
  {
    method: 'GET', path: '/tenants', operationId: 'listTenants', tag: 'Tenants', access: 'any',
    summary: 'List the tenants the token administers',
    query: LIST_QUERY_SCHEMA,
    responses: { 200: { description: 'A page of tenants', schema: pageOf(TENANT) }, ...ERRORS },
    handler: (ctx) =>
      listReply(ctx, async (query) => pageOfAll((await ctx.services.tenants.list()).filter((t) => canAccess(ctx.principal, t.id)), query), {
        withoutAccounts: 'tenants',
      }),
  },
  {
    method: 'POST', path: '/tenants', operationId: 'createTenant', tag: 'Tenants', access: 'global',
    summary: 'Create a tenant',
    body: TENANT_CREATE,
    responses: { 201: { description: 'The new tenant', schema: TENANT }, ...ERRORS },
    handler: async (ctx) => {
      const tenant = await ctx.services.tenants.create(ctx.body as CreateTenantInput, ctx.principal);
      ctx.reply.code(201).header('location', `${ctx.request.url.split('?', 1)[0]}/${encodeURIComponent(tenant.id)}`);
      return tenant;
    },
  },
  {
    method: 'GET', path: '/tenants/:tenantId', operationId: 'getTenant', tag: 'Tenants', access: 'tenant',
    summary: 'Get a tenant',
    params: tenantParams,
    responses: { 200: { description: 'The tenant', schema: TENANT }, ...ERRORS },
    handler: (ctx) => ctx.services.tenants.get(ctx.params.tenantId!),
  },
  {
    method: 'PATCH', path: '/tenants/:tenantId', operationId: 'updateTenant', tag: 'Tenants', access: 'tenant',
    summary: 'Change some of a tenant’s settings',
    params: tenantParams,
    body: TENANT_UPDATE,
    responses: { 200: { description: 'The updated tenant', schema: TENANT }, ...ERRORS },
    handler: (ctx) => {
      const body = (ctx.body ?? {}) as Partial<TenantSettings>;
      // Which requests reach a tenant (hosts) and whose tokens its keys vouch for (issuer) decide between
      // tenants, so no single tenant's administrator may change them.
      if (body.hosts !== undefined || body.issuer !== undefined) requireGlobalAccess(ctx.principal, 'change a tenant’s hosts or issuer');
      return ctx.services.tenants.update(ctx.params.tenantId!, body, ctx.principal);
    },
  },
];

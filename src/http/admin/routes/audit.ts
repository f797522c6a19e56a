import { invalid } from '../../../admin/admin-error.ts';
import type { AdminRoute } from '../admin-route.ts';
import { listReply } from '../list-reply.ts';
import { LIST_QUERY_SCHEMA } from '../pagination.ts';
import { AUDIT_ENTRY, pageOf, pathParams } from '../schemas.ts';
import { ERRORS } from './common-responses.ts';

export const auditRoutes: AdminRoute[] = [
  {
    method: 'GET', path: '/tenants/:tenantId/audit', operationId: 'listTenantAudit', tag: 'Audit', access: 'tenant',
    summary: 'The audit log of one tenant, newest first',
    params: pathParams('tenantId'), query: LIST_QUERY_SCHEMA,
    responses: { 200: { description: 'A page of audit entries', schema: pageOf(AUDIT_ENTRY) }, ...ERRORS },
    handler: (ctx) =>
      listReply(ctx, async (query) => {
        if (query.accounts) throw invalid('account', 'audit entries carry no accounts');
        await ctx.services.tenants.get(ctx.params.tenantId!);
        return ctx.services.audit.pageAudit(ctx.params.tenantId!, query);
      }),
  },
  {
    method: 'GET', path: '/audit', operationId: 'listAudit', tag: 'Audit', access: 'global',
    summary: 'The whole audit log, newest first',
    query: LIST_QUERY_SCHEMA,
    responses: { 200: { description: 'A page of audit entries', schema: pageOf(AUDIT_ENTRY) }, ...ERRORS },
    handler: (ctx) =>
      listReply(ctx, async (query) => {
        if (query.accounts) throw invalid('account', 'audit entries carry no accounts');
        return ctx.services.audit.pageAudit(undefined, query);
      }),
  },
];

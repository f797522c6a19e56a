import type { AccessNumber } from '../../../core/model.ts';
import type { AdminRoute } from '../admin-route.ts';
import { EXPORT_QUERY_SCHEMA, sendExport, type Columns } from '../export-stream.ts';
import { listReply } from '../list-reply.ts';
import { LIST_QUERY_SCHEMA } from '../pagination.ts';
import { ACCESS_NUMBER, ACCESS_NUMBER_CREATE, pageOf, pathParams } from '../schemas.ts';
import { ERRORS } from './common-responses.ts';

const COLUMNS: Columns<AccessNumber> = [
  ['id', (n) => n.id],
  ['number', (n) => n.number],
  ['label', (n) => n.label],
  ['createdAt', (n) => new Date(n.createdAt).toISOString()],
];

export const accessNumberRoutes: AdminRoute[] = [
  {
    method: 'GET', path: '/tenants/:tenantId/access-numbers', operationId: 'listAccessNumbers', tag: 'Access numbers', access: 'tenant',
    summary: 'List a tenant’s phone access numbers',
    params: pathParams('tenantId'), query: LIST_QUERY_SCHEMA,
    responses: { 200: { description: 'A page of access numbers', schema: pageOf(ACCESS_NUMBER) }, ...ERRORS },
    handler: (ctx) => listReply(ctx, (query) => ctx.services.accessNumbers.page(ctx.params.tenantId!, query), { withoutAccounts: 'access numbers' }),
  },
  {
    method: 'POST', path: '/tenants/:tenantId/access-numbers', operationId: 'createAccessNumber', tag: 'Access numbers', access: 'tenant',
    summary: 'Add an access number (E.164)',
    params: pathParams('tenantId'), body: ACCESS_NUMBER_CREATE,
    responses: { 201: { description: 'The new access number', schema: ACCESS_NUMBER }, ...ERRORS },
    handler: async (ctx) => {
      const created = await ctx.services.accessNumbers.create(ctx.params.tenantId!, ctx.body as { number: string; label?: string }, ctx.principal);
      ctx.reply.code(201).header('location', `${ctx.request.url.split('?', 1)[0]}/${created.id}`);
      return created;
    },
  },
  {
    method: 'DELETE', path: '/tenants/:tenantId/access-numbers/:accessNumberId', operationId: 'deleteAccessNumber', tag: 'Access numbers', access: 'tenant',
    summary: 'Remove an access number',
    params: pathParams('tenantId', 'accessNumberId'),
    responses: { 204: { description: 'Deleted' }, ...ERRORS },
    handler: async (ctx) => {
      await ctx.services.accessNumbers.delete(ctx.params.tenantId!, ctx.params.accessNumberId!, ctx.principal);
      return ctx.reply.code(204).send();
    },
  },
  {
    method: 'GET', path: '/tenants/:tenantId/exports/access-numbers', operationId: 'exportAccessNumbers', tag: 'Exports', access: 'tenant',
    summary: 'Export Access Numbers (seed 001) as CSV or JSON, streamed',
    params: pathParams('tenantId'), query: EXPORT_QUERY_SCHEMA,
    responses: { 200: { description: 'Every access number of the tenant', content: ['text/csv', 'application/json'] }, ...ERRORS },
    handler: async (ctx) => sendExport(ctx, 'access-numbers', COLUMNS, await ctx.services.accessNumbers.iterate(ctx.params.tenantId!)),
  },
];

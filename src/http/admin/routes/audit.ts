import { invalid } from '../../../admin/admin-error.ts';
import type { AuditFilter } from '../../../core/ports/audit.ts';
import type { AdminRoute } from '../admin-route.ts';
import { listReply } from '../list-reply.ts';
import { LIST_QUERY_SCHEMA } from '../pagination.ts';
import { AUDIT_ENTRY, pageOf, pathParams } from '../schemas.ts';
import { ERRORS } from './common-responses.ts';

/** The list query plus the audit filters; every filter given must match. */
export const AUDIT_QUERY_SCHEMA = {
  ...LIST_QUERY_SCHEMA,
  properties: {
    ...LIST_QUERY_SCHEMA.properties,
    action: { type: 'string', description: 'An action (`user.unlock`), or every action under a prefix ending in `.*` (`user.*`).' },
    actor: { type: 'string', description: 'Who made the change, exactly: `client:<tenant>/<client id>` or `cli:<os user>`.' },
    target: { type: 'string', description: 'The id of the changed object, exactly.' },
    from: { type: 'string', format: 'date-time', description: 'Entries at or after this RFC 3339 time (`2025-01-31T09:00:00Z`).' },
    to: { type: 'string', format: 'date-time', description: 'Entries before this RFC 3339 time.' },
  },
} as const;

/** RFC 3339 §5.6 date-time: a full date, a time and an offset (`Z` or `±hh:mm`). */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:[Zz]|[+-]\d{2}:\d{2})$/;

/** Reads the filters of an audit list query, naming the parameter at fault. */
export function auditFilter(query: Record<string, string | undefined>): AuditFilter {
  const filter: AuditFilter = {};
  const action = query.action;
  if (action !== undefined) {
    if (action === '' || action === '.*') throw invalid('action', 'must be an action or a prefix ending in .*');
    if (action.endsWith('.*')) filter.actionPrefix = action.slice(0, -1);
    else filter.action = action;
  }
  for (const name of ['actor', 'target'] as const) {
    if (query[name] === '') throw invalid(name, 'must not be empty');
    if (query[name] !== undefined) filter[name] = query[name];
  }
  for (const name of ['from', 'to'] as const) {
    const value = query[name];
    if (value === undefined) continue;
    const at = DATE_TIME.test(value) ? Date.parse(value) : Number.NaN;
    if (Number.isNaN(at)) throw invalid(name, 'must be an RFC 3339 date-time such as 2025-01-31T09:00:00Z');
    filter[name] = at;
  }
  if (filter.from !== undefined && filter.to !== undefined && filter.from > filter.to) throw invalid('to', 'must not be before from');
  return filter;
}

export const auditRoutes: AdminRoute[] = [
  {
    method: 'GET', path: '/tenants/:tenantId/audit', operationId: 'listTenantAudit', tag: 'Audit', access: 'tenant',
    summary: 'The audit log of one tenant, newest first, optionally filtered',
    params: pathParams('tenantId'), query: AUDIT_QUERY_SCHEMA,
    responses: { 200: { description: 'A page of audit entries', schema: pageOf(AUDIT_ENTRY) }, ...ERRORS },
    handler: (ctx) =>
      listReply(ctx, async (query) => {
        const filter = auditFilter(ctx.query);
        await ctx.services.tenants.get(ctx.params.tenantId!);
        return ctx.services.audit.pageAudit(ctx.params.tenantId!, query, filter);
      }, { withoutAccounts: 'audit entries' }),
  },
  {
    method: 'GET', path: '/audit', operationId: 'listAudit', tag: 'Audit', access: 'global',
    summary: 'The whole audit log, newest first, optionally filtered',
    query: AUDIT_QUERY_SCHEMA,
    responses: { 200: { description: 'A page of audit entries', schema: pageOf(AUDIT_ENTRY) }, ...ERRORS },
    handler: (ctx) =>
      listReply(ctx, (query) => ctx.services.audit.pageAudit(undefined, query, auditFilter(ctx.query)), { withoutAccounts: 'audit entries' }),
  },
];

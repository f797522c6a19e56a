import type { ClientSettingsChange, CreateClientInput } from '../../../admin/clients.ts';
import { requireGlobalForAdminScopes } from '../admin-auth.ts';
import type { AdminRoute, AdminRouteContext } from '../admin-route.ts';
import { listReply } from '../list-reply.ts';
import { LIST_QUERY_SCHEMA } from '../pagination.ts';
import { CLIENT, CLIENT_CREATE, CLIENT_UPDATE, CLIENT_WITH_SECRET, LOCK_STATE, pageOf, pathParams, ROTATE_SECRET } from '../schemas.ts';
import { ERRORS } from './common-responses.ts';

const one = pathParams('tenantId', 'clientId');

export const clientRoutes: AdminRoute[] = [
  {
    method: 'GET', path: '/tenants/:tenantId/clients', operationId: 'listClients', tag: 'Clients', access: 'tenant',
    summary: 'List a tenant’s clients, optionally only those acting for given accounts',
    params: pathParams('tenantId'), query: LIST_QUERY_SCHEMA,
    responses: { 200: { description: 'A page of clients', schema: pageOf(CLIENT) }, ...ERRORS },
    handler: (ctx) => listReply(ctx, (query) => ctx.services.clients.page(ctx.params.tenantId!, query)),
  },
  {
    method: 'POST', path: '/tenants/:tenantId/clients', operationId: 'createClient', tag: 'Clients', access: 'tenant',
    summary: 'Create a client; a generated secret is in this answer only',
    params: pathParams('tenantId'), body: CLIENT_CREATE,
    responses: { 201: { description: 'The client and, when generated, its secret', schema: CLIENT_WITH_SECRET }, ...ERRORS },
    handler: async (ctx) => {
      requireGlobalForAdminScopes(ctx.principal, (ctx.body as { scopes?: string[] } | undefined)?.scopes, 'create');
      const created = await ctx.services.clients.create({ ...(ctx.body as Omit<CreateClientInput, 'tenantId'>), tenantId: ctx.params.tenantId! }, ctx.principal);
      ctx.reply.code(201).header('location', `${ctx.request.url.split('?', 1)[0]}/${encodeURIComponent(created.client.id)}`);
      return created;
    },
  },
  {
    method: 'GET', path: '/tenants/:tenantId/clients/:clientId', operationId: 'getClient', tag: 'Clients', access: 'tenant',
    summary: 'Get a client (secrets as dates only)',
    params: one,
    responses: { 200: { description: 'The client', schema: CLIENT }, ...ERRORS },
    handler: (ctx) => ctx.services.clients.get(ctx.params.tenantId!, ctx.params.clientId!),
  },
  {
    method: 'PATCH', path: '/tenants/:tenantId/clients/:clientId', operationId: 'updateClient', tag: 'Clients', access: 'tenant',
    summary: 'Change some of a client’s settings',
    params: one, body: CLIENT_UPDATE,
    responses: { 200: { description: 'The updated client', schema: CLIENT }, ...ERRORS },
    handler: async (ctx) => {
      await requireGlobalForStoredAdmin(ctx, 'change');
      requireGlobalForAdminScopes(ctx.principal, (ctx.body as ClientSettingsChange | undefined)?.scopes, 'change');
      return ctx.services.clients.update(ctx.params.tenantId!, ctx.params.clientId!, ctx.body as ClientSettingsChange, ctx.principal);
    },
  },
  {
    method: 'DELETE', path: '/tenants/:tenantId/clients/:clientId', operationId: 'deleteClient', tag: 'Clients', access: 'tenant',
    summary: 'Delete a client',
    params: one,
    responses: { 204: { description: 'Deleted' }, ...ERRORS },
    handler: async (ctx) => {
      await requireGlobalForStoredAdmin(ctx, 'delete');
      await ctx.services.clients.delete(ctx.params.tenantId!, ctx.params.clientId!, ctx.principal);
      return ctx.reply.code(204).send();
    },
  },
  {
    method: 'POST', path: '/tenants/:tenantId/clients/:clientId/rotate-secret', operationId: 'rotateClientSecret', tag: 'Clients', access: 'tenant',
    summary: 'Replace the client secret, optionally keeping the old one valid for an overlap',
    params: one, body: ROTATE_SECRET,
    responses: { 200: { description: 'The client and, when generated, its new secret', schema: CLIENT_WITH_SECRET }, ...ERRORS },
    handler: async (ctx) => {
      await requireGlobalForStoredAdmin(ctx, 'rotate the secret of');
      const body = (ctx.body ?? {}) as { overlapSeconds?: number; secret?: string };
      return ctx.services.clients.rotateSecret(ctx.params.tenantId!, ctx.params.clientId!, body, ctx.principal);
    },
  },
  {
    method: 'GET', path: '/tenants/:tenantId/clients/:clientId/lock', operationId: 'getClientLockState', tag: 'Clients', access: 'tenant',
    summary: 'Whether failed secrets locked the client (an operator-chosen secret only), its failure count and last failure',
    params: one,
    responses: { 200: { description: 'The lock state', schema: LOCK_STATE }, ...ERRORS },
    handler: (ctx) => ctx.services.clients.lockState(ctx.params.tenantId!, ctx.params.clientId!),
  },
  {
    method: 'DELETE', path: '/tenants/:tenantId/clients/:clientId/lock', operationId: 'clearClientLockState', tag: 'Clients', access: 'tenant',
    summary: 'Lift the client’s lock and reset its failure count',
    params: one,
    responses: { 200: { description: 'The lock state after clearing', schema: LOCK_STATE }, ...ERRORS },
    handler: (ctx) => ctx.services.clients.unlock(ctx.params.tenantId!, ctx.params.clientId!, ctx.principal),
  },
];

/** The client named in the path, when it exists and carries an admin scope, is out of a tenant administrator's reach. */
async function requireGlobalForStoredAdmin(ctx: AdminRouteContext, what: string): Promise<void> {
  if (ctx.principal.tenants === 'all') return;
  const stored = await ctx.services.clients.find(ctx.params.tenantId!, ctx.params.clientId!);
  requireGlobalForAdminScopes(ctx.principal, stored?.scopes, what);
}

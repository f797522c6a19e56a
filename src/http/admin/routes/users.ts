import type { CreateUserInput, UpdateUserInput, UserView } from '../../../admin/users.ts';
import type { AdminRoute } from '../admin-route.ts';
import { EXPORT_QUERY_SCHEMA, sendExport, type Columns } from '../export-stream.ts';
import { listReply } from '../list-reply.ts';
import { LIST_QUERY_SCHEMA } from '../pagination.ts';
import { LOCK_STATE, pageOf, pathParams, USER, USER_CREATE, USER_UPDATE } from '../schemas.ts';
import { ERRORS } from './common-responses.ts';

/** `:user` is the user's id (UUID) or username. */
const one = pathParams('tenantId', 'user');

const PHONE_EXPORT: Columns<UserView> = [
  ['id', (u) => u.id],
  ['username', (u) => u.username],
  ['role', (u) => u.role],
  ['phoneNumbers', (u) => u.phoneNumbers],
  ['accounts', (u) => u.accounts],
  ['enabled', (u) => u.enabled],
];

export const userRoutes: AdminRoute[] = [
  {
    method: 'GET', path: '/tenants/:tenantId/users', operationId: 'listUsers', tag: 'Users', access: 'tenant',
    summary: 'List a tenant’s users by username, optionally only those acting for given accounts',
    params: pathParams('tenantId'), query: LIST_QUERY_SCHEMA,
    responses: { 200: { description: 'A page of users', schema: pageOf(USER) }, ...ERRORS },
    handler: (ctx) => listReply(ctx, (query) => ctx.services.users.page(ctx.params.tenantId!, query, ctx.principal)),
  },
  {
    method: 'POST', path: '/tenants/:tenantId/users', operationId: 'createUser', tag: 'Users', access: 'tenant',
    summary: 'Create User (seed 001)',
    params: pathParams('tenantId'), body: USER_CREATE,
    responses: { 201: { description: 'The new user', schema: USER }, ...ERRORS },
    handler: async (ctx) => {
      const created = await ctx.services.users.create({ ...(ctx.body as Omit<CreateUserInput, 'tenantId'>), tenantId: ctx.params.tenantId! }, ctx.principal);
      ctx.reply.code(201).header('location', `${ctx.request.url.split('?', 1)[0]}/${created.id}`);
      return created;
    },
  },
  {
    method: 'GET', path: '/tenants/:tenantId/users/:user', operationId: 'getUser', tag: 'Users', access: 'tenant',
    summary: 'Get User Data (seed 001), by id or username',
    params: one,
    responses: { 200: { description: 'The user', schema: USER }, ...ERRORS },
    handler: (ctx) => ctx.services.users.get(ctx.params.tenantId!, ctx.params.user!, ctx.principal),
  },
  {
    method: 'PATCH', path: '/tenants/:tenantId/users/:user', operationId: 'updateUser', tag: 'Users', access: 'tenant',
    summary: 'Update User (seed 001): the given fields only; a new password or disabling revokes the user’s tokens',
    params: one, body: USER_UPDATE,
    responses: { 200: { description: 'The updated user', schema: USER }, ...ERRORS },
    handler: (ctx) => ctx.services.users.update(ctx.params.tenantId!, ctx.params.user!, ctx.body as UpdateUserInput, ctx.principal),
  },
  {
    method: 'DELETE', path: '/tenants/:tenantId/users/:user', operationId: 'deleteUser', tag: 'Users', access: 'tenant',
    summary: 'Delete a user, revoking their tokens',
    params: one,
    responses: { 204: { description: 'Deleted' }, ...ERRORS },
    handler: async (ctx) => {
      await ctx.services.users.delete(ctx.params.tenantId!, ctx.params.user!, ctx.principal);
      return ctx.reply.code(204).send();
    },
  },
  {
    method: 'GET', path: '/tenants/:tenantId/users/:user/lock', operationId: 'getUserLockState', tag: 'Users', access: 'tenant',
    summary: 'Get User Lock State (seed 001): locked or not, failed count, locked until, last failure time and address',
    params: one,
    responses: { 200: { description: 'The lock state', schema: LOCK_STATE }, ...ERRORS },
    handler: (ctx) => ctx.services.users.lockState(ctx.params.tenantId!, ctx.params.user!),
  },
  {
    method: 'DELETE', path: '/tenants/:tenantId/users/:user/lock', operationId: 'clearUserLockState', tag: 'Users', access: 'tenant',
    summary: 'Clear User Lock State (seed 001): lift the lock and reset the failure count',
    params: one,
    responses: { 200: { description: 'The lock state after clearing', schema: LOCK_STATE }, ...ERRORS },
    handler: (ctx) => ctx.services.users.unlock(ctx.params.tenantId!, ctx.params.user!, ctx.principal),
  },
  {
    method: 'GET', path: '/tenants/:tenantId/exports/users', operationId: 'exportUserPhoneNumbers', tag: 'Exports', access: 'tenant',
    summary: 'Export User Phone Numbers (seed 001): every user with their phone numbers, CSV or JSON, streamed',
    params: pathParams('tenantId'), query: EXPORT_QUERY_SCHEMA,
    responses: { 200: { description: 'Every user of the tenant', content: ['text/csv', 'application/json'] }, ...ERRORS },
    handler: async (ctx) => sendExport(ctx, 'users', PHONE_EXPORT, await ctx.services.users.iterate(ctx.params.tenantId!, ctx.principal)),
  },
];

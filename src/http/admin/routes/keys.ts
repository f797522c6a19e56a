import type { AdminRoute } from '../admin-route.ts';
import { listReply, pageOfAll } from '../list-reply.ts';
import { LIST_QUERY_SCHEMA } from '../pagination.ts';
import { KEY, KEY_ROTATE, pageOf, pathParams } from '../schemas.ts';
import { ERRORS } from './common-responses.ts';

export const keyRoutes: AdminRoute[] = [
  {
    method: 'GET', path: '/tenants/:tenantId/keys', operationId: 'listKeys', tag: 'Signing keys', access: 'tenant',
    summary: 'The tenant’s signing keys and their states (public information only)',
    params: pathParams('tenantId'), query: LIST_QUERY_SCHEMA,
    responses: { 200: { description: 'A page of keys, oldest first', schema: pageOf(KEY) }, ...ERRORS },
    handler: (ctx) => listReply(ctx, async (query) => pageOfAll(await ctx.services.keys.list(ctx.params.tenantId!), query), { withoutAccounts: 'signing keys' }),
  },
  {
    method: 'POST', path: '/tenants/:tenantId/keys/rotate', operationId: 'rotateKey', tag: 'Signing keys', access: 'tenant',
    summary: 'Publish a new signing key now; it signs after the pre-publication delay, old keys verify until their tokens expire',
    params: pathParams('tenantId'), body: KEY_ROTATE,
    responses: { 200: { description: 'The new key and every key after the rotation', schema: { type: 'object', properties: { tenant: { type: 'string' }, key: KEY, keys: { type: 'array', items: KEY }, deleted: { type: 'integer' } } } }, ...ERRORS },
    handler: async (ctx) => {
      const body = (ctx.body ?? {}) as { prePublicationSeconds?: number };
      const result = await ctx.services.keys.rotate(ctx.params.tenantId!, { prePublicationSeconds: body.prePublicationSeconds ?? ctx.services.keyPrePublicationSeconds }, ctx.principal);
      // This process re-reads the tenant's keys now; others notice within their refresh interval.
      ctx.services.forgetKeys(ctx.params.tenantId!);
      return result;
    },
  },
  {
    method: 'POST', path: '/tenants/:tenantId/keys/:kid/revoke', operationId: 'revokeKey', tag: 'Signing keys', access: 'tenant',
    summary: 'Withdraw a signing key at once: it leaves the JWKS and the tokens it signed stop introspecting as active',
    params: pathParams('tenantId', 'kid'),
    responses: { 200: { description: 'The key revoked and every key after the revocation', schema: { type: 'object', properties: { tenant: { type: 'string' }, revoked: KEY, keys: { type: 'array', items: KEY } } } }, ...ERRORS },
    handler: async (ctx) => {
      const result = await ctx.services.keys.revoke(ctx.params.tenantId!, ctx.params.kid!, ctx.principal);
      // Other processes see the tenant's raised keysRevision at their next request; this one forgets now.
      ctx.services.forgetKeys(ctx.params.tenantId!);
      return result;
    },
  },
];

import type { AdminRoute } from '../admin-route.ts';
import { pathParams } from '../schemas.ts';
import { ERRORS } from './common-responses.ts';

const RATE = { oneOf: [{ const: 'off' }, { type: 'object', properties: { limit: { type: 'integer' }, window: { type: 'integer' } } }] };

const BUCKET = {
  type: 'object',
  description: 'One bucket: what its next request would be told',
  properties: {
    rule: { type: 'string' },
    subject: { type: 'string', description: 'As the rule counts it: an address (an IPv6 one as its /64), TENANT/CLIENT or TENANT/USERNAME' },
    rate: RATE,
    remaining: { type: 'integer', description: 'Requests that would fit now' },
    resetSeconds: { type: 'integer', description: 'Seconds until one more fits; 0 for a full bucket' },
    limited: { type: 'boolean' },
  },
};

const OVERVIEW = {
  type: 'object',
  properties: {
    rules: { type: 'object', description: 'Every rule’s server-wide setting', additionalProperties: RATE },
    limited: { type: 'object', description: 'Requests refused per rule by this process since it started', additionalProperties: { type: 'integer' } },
    unchecked: { type: 'integer', description: 'Requests passed unchecked while the store did not answer (fail open)' },
    store: { type: 'object', properties: { kind: { type: 'string' }, available: { type: 'boolean' }, failOpen: { type: 'boolean' } } },
  },
};

const TOO_MANY = { 429: { description: 'This administrator’s own rate limit (admin, admin-address)' } };

export const rateLimitRoutes: AdminRoute[] = [
  {
    method: 'GET', path: '/rate-limits', operationId: 'getRateLimits', tag: 'Rate limits', access: 'global',
    summary: 'The rules in force, the store’s state, and the requests this process refused per rule',
    responses: { 200: { description: 'Rules and counters', schema: OVERVIEW }, ...ERRORS, ...TOO_MANY },
    handler: async (ctx) => ctx.services.rateLimits.overview(),
  },
  {
    method: 'GET', path: '/rate-limits/:rule/:subject', operationId: 'getRateLimitBucket', tag: 'Rate limits', access: 'global',
    summary: 'One bucket’s state (a subject with a slash is percent-encoded: default%2Fbilling)',
    params: pathParams('rule', 'subject'),
    responses: { 200: { description: 'The bucket', schema: BUCKET }, ...ERRORS, ...TOO_MANY },
    handler: (ctx) => ctx.services.rateLimits.inspect(ctx.params.rule!, ctx.params.subject!),
  },
  {
    method: 'DELETE', path: '/rate-limits/:rule/:subject', operationId: 'resetRateLimitBucket', tag: 'Rate limits', access: 'global',
    summary: 'Reset one bucket: its next request finds it full',
    params: pathParams('rule', 'subject'),
    responses: { 200: { description: 'The bucket after the reset', schema: BUCKET }, ...ERRORS, ...TOO_MANY },
    handler: (ctx) => ctx.services.rateLimits.reset(ctx.params.rule!, ctx.params.subject!, ctx.principal),
  },
];

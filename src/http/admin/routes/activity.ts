import { DEFAULT_ACTIVITY_MINUTES, MAX_ACTIVITY_MINUTES } from '../../../admin/activity.ts';
import { invalid } from '../../../admin/admin-error.ts';
import type { AdminRoute } from '../admin-route.ts';
import { pathParams } from '../schemas.ts';
import { ERRORS } from './common-responses.ts';

const COUNT = { type: 'integer', minimum: 1 };

/** docs/console.md's activity contract. */
export const ACTIVITY = {
  type: 'object',
  required: ['tenant', 'from', 'to', 'perMinute'],
  properties: {
    tenant: { type: 'string' },
    from: { type: 'integer', description: 'Start of the first minute of the window (ms since the epoch).' },
    to: { type: 'integer', description: 'End of the last minute, exclusive (ms); the last minute is the current one.' },
    perMinute: {
      type: 'array',
      description: 'Every minute of the window, oldest first; a quiet minute has empty lists.',
      items: {
        type: 'object',
        required: ['at', 'issued', 'errors'],
        properties: {
          at: { type: 'integer' },
          issued: { type: 'array', items: { type: 'object', required: ['grant', 'clientId', 'count'], properties: { grant: { type: 'string' }, clientId: { type: 'string' }, count: COUNT } } },
          errors: { type: 'array', items: { type: 'object', required: ['error', 'count'], properties: { error: { type: 'string' }, count: COUNT } } },
        },
      },
    },
  },
} as const;

export const activityRoutes: AdminRoute[] = [
  {
    method: 'GET', path: '/tenants/:tenantId/activity', operationId: 'getTenantActivity', tag: 'Activity', access: 'tenant',
    summary: 'Tokens issued (by grant and client) and error answers (by code) per minute, counted by every instance on the database',
    params: pathParams('tenantId'),
    query: {
      type: 'object',
      additionalProperties: false,
      properties: { minutes: { type: 'string', pattern: '^[0-9]{1,4}$', description: `Minutes to cover, the current one included: 1 to ${MAX_ACTIVITY_MINUTES}, default ${DEFAULT_ACTIVITY_MINUTES}.` } },
    },
    responses: { 200: { description: 'The activity of each minute of the window', schema: ACTIVITY }, ...ERRORS },
    handler: async (ctx) => {
      const raw = ctx.query.minutes;
      if (raw !== undefined && !/^[0-9]{1,4}$/.test(raw)) throw invalid('minutes', `must be a whole number from 1 to ${MAX_ACTIVITY_MINUTES}`);
      return ctx.services.activity.read(ctx.params.tenantId!, raw === undefined ? undefined : Number(raw));
    },
  },
];

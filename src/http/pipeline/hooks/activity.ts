/**
 * Counts what the admin API's activity route reports (docs/console.md): each
 * access token the token endpoint issued, by tenant, grant and client, and
 * each error answer of the token, introspection and revocation endpoints, by
 * tenant and `error` code. Requests whose tenant could not be resolved
 * belong to no tenant and are not counted. The counts go to an in-memory
 * counter; the server adds them to the store every few seconds.
 */
import type { ActivityCounter } from '../../../core/activity-counter.ts';
import type { RequestHook } from '../request-pipeline.ts';

const COUNTED = new Set(['token', 'introspection', 'revocation']);

export function activityHook(counter: Pick<ActivityCounter, 'issued' | 'failed'>, now: () => number): RequestHook {
  return {
    name: 'activity',
    onResponse(context, response, answered) {
      const tenantId = context.tenantId;
      if (!answered || tenantId === undefined || !COUNTED.has(context.route.name)) return;
      if (context.errorCode !== undefined) counter.failed(tenantId, context.errorCode, now());
      else if (context.route.name === 'token' && response.statusCode === 200 && context.grantType !== undefined && context.tokenFormat !== undefined) {
        counter.issued(tenantId, context.grantType, context.clientId ?? '', now());
      }
    },
  };
}

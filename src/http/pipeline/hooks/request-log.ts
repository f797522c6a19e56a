/**
 * One log line per request, on completion, by path only: query strings can
 * carry credentials when a dialect allows them, and headers carry them
 * always, so neither is logged.
 */
import type { RequestHook } from '../request-pipeline.ts';

/** Levels at which each request is logged (`info` and below). */
const LOGS_REQUESTS = new Set(['info', 'debug', 'trace']);

export function requestLogHook(): RequestHook {
  return {
    name: 'request-log',
    onResponse(context, response, answered) {
      if (!answered || !LOGS_REQUESTS.has(context.logLevel)) return;
      context.log().info(
        {
          method: context.method,
          path: context.path,
          status: response.statusCode,
          ms: Math.round((performance.now() - context.startedAt) * 100) / 100,
          ip: context.remoteAddress,
        },
        'request',
      );
    },
  };
}

/**
 * One log line per request, on completion, by path only: query strings can
 * carry credentials when a dialect allows them, and headers carry them
 * always, so neither is logged. The line carries the request id (`reqId`),
 * as every line logged while serving the request does.
 *
 * The line's level is configurable, and successful requests to the high-rate
 * OAuth endpoints can be sampled (one in N): at tens of thousands of tokens
 * a second, a line each is most of the log's volume and little of its value.
 * Error answers are always logged; metrics count every request regardless.
 */
import type { LogLevel } from '../../../config/config.ts';
import type { RequestHook } from '../request-pipeline.ts';

/** pino's level numbers: a line is written when its level's number is at least the logger's. */
const LEVEL_VALUES: Readonly<Record<string, number>> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity };

/** The routes whose successful requests may be sampled. */
const HIGH_RATE = new Set(['token', 'introspection', 'revocation']);

export interface RequestLogOptions {
  /** The level of the line; `silent` for none. */
  level: LogLevel;
  /** Log one successful request in N to a high-rate route (1: every one). */
  sampleEvery: number;
}

export function requestLogHook(options: RequestLogOptions = { level: 'info', sampleEvery: 1 }): RequestHook {
  const { level, sampleEvery } = options;
  let seen = 0;
  return {
    name: 'request-log',
    onResponse(context, response, answered) {
      if (!answered || level === 'silent') return;
      const status = response.statusCode;
      if (sampleEvery > 1 && status < 400 && HIGH_RATE.has(context.route.name) && ++seen % sampleEvery !== 0) return;
      // Checked against the server's level before a request logger is made for the line.
      if (LEVEL_VALUES[level]! < (LEVEL_VALUES[context.logLevel] ?? 0)) return;
      context.log()[level](
        {
          method: context.method,
          path: context.path,
          route: context.route.name,
          status,
          ms: Math.round((performance.now() - context.startedAt) * 100) / 100,
          ip: context.remoteAddress,
        },
        'request',
      );
    },
  };
}

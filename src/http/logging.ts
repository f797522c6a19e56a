/**
 * Structured JSON logs (pino, through Fastify). Requests are logged once, on
 * completion, by path only: query strings can carry credentials when a
 * dialect allows them, and headers carry them always, so neither is logged.
 */
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import type { LogLevel } from '../config/config.ts';

export function loggerOptions(level: LogLevel): FastifyServerOptions['logger'] {
  return {
    level,
    // pid tells apart the lines of several processes (cluster workers) in one stream.
    base: { service: 'tessera', pid: process.pid },
    // Nothing from the request is logged but what onResponse picks.
    serializers: { req: () => ({}), res: () => ({}) },
  };
}

export function logCompletedRequests(app: FastifyInstance): void {
  app.addHook('onResponse', async (request, reply) => {
    const path = request.url.split('?', 1)[0];
    request.log.info(
      { method: request.method, path, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 100) / 100, ip: request.ip },
      'request',
    );
  });
}

/** Fastify's default request ids (`req-1`, `req-2`, … in base 36), from one counter for every request path. */
export function requestIdGenerator(): () => string {
  let next = 0;
  return () => `req-${(next = (next + 1) & 0x7fffffff).toString(36)}`;
}

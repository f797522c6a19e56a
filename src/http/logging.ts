/**
 * Structured JSON logs through pino (Fastify's own logger), made before the
 * app so both request paths log through the one instance. Nothing from a
 * request is logged but what the request-log hook picks (never headers or
 * query strings, which carry credentials).
 */
import pino from 'pino';
import type { FastifyBaseLogger } from 'fastify';
import type { LogLevel } from '../config/config.ts';

export function createLogger(level: LogLevel): FastifyBaseLogger {
  return pino({
    level,
    // pid tells apart the lines of several processes (cluster workers) in one stream.
    base: { service: 'tessera', pid: process.pid },
    serializers: { req: () => ({}), res: () => ({}) },
  });
}

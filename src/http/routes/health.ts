import type { FastifyInstance } from 'fastify';
import type { HealthCheck } from '../app-services.ts';
import { routeConfig } from '../pipeline/fastify-pipeline.ts';

/**
 * `GET /healthz`: 200 when the process serves and its database answers, 503
 * otherwise (for load balancers). The rate-limit store's state rides along;
 * it fails the check only when the limiter fails closed, since then the
 * process refuses every limited request anyway.
 */
export async function healthRoutes(app: FastifyInstance, options: { health: HealthCheck }): Promise<void> {
  const { health } = options;
  app.get('/healthz', routeConfig({ name: 'health', errorFormat: 'problem' }), async (request, reply) => {
    const limits = health.rateLimitStore?.();
    const rateLimitStore = limits === undefined ? {} : { rateLimitStore: { kind: limits.kind, available: limits.available } };
    const unavailable = () => reply.code(503).header('retry-after', '5').header('cache-control', 'no-store');
    try {
      await health.ping();
    } catch (error) {
      request.log.warn({ err: String(error) }, 'health check: store unavailable');
      return unavailable().send({ status: 'unavailable', store: health.store, ...rateLimitStore });
    }
    if (limits !== undefined && !limits.available && !limits.failOpen) return unavailable().send({ status: 'unavailable', store: health.store, ...rateLimitStore });
    return reply.header('cache-control', 'no-store').send({ status: 'ok', store: health.store, ...rateLimitStore });
  });
}

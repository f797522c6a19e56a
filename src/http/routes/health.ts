import type { FastifyInstance } from 'fastify';
import type { HealthCheck } from '../app-services.ts';
import { routeConfig } from '../pipeline/fastify-pipeline.ts';

/** `GET /healthz`: 200 when the process serves and its database answers, 503 otherwise (for load balancers). */
export async function healthRoutes(app: FastifyInstance, options: { health: HealthCheck }): Promise<void> {
  const { health } = options;
  app.get('/healthz', routeConfig({ name: 'health', errorFormat: 'problem' }), async (request, reply) => {
    try {
      await health.ping();
      return reply.header('cache-control', 'no-store').send({ status: 'ok', store: health.store });
    } catch (error) {
      request.log.warn({ err: String(error) }, 'health check: store unavailable');
      return reply.code(503).header('retry-after', '5').header('cache-control', 'no-store').send({ status: 'unavailable', store: health.store });
    }
  });
}

/**
 * Health for load balancers and orchestrators, on the public port (and the
 * same answers on the management listener, server/observability/):
 *
 * - `GET /health/live`: the process is up and its event loop turns (a
 *   liveness probe restarts the process when this stops answering);
 * - `GET /health/ready`: it can serve now (store reachable, schema migrated
 *   to this build, signing keys loaded); 503 naming the failing part
 *   otherwise, so a readiness probe takes it out of rotation meanwhile;
 * - `GET /healthz`: the older combined check (200 when the store answers).
 */
import type { FastifyInstance } from 'fastify';
import type { HealthCheck, Readiness } from '../app-services.ts';
import { routeConfig } from '../pipeline/fastify-pipeline.ts';

export interface HealthAnswer {
  status: number;
  headers: Readonly<Record<string, string>>;
  body: string;
}

const NO_STORE = { 'cache-control': 'no-store', 'content-type': 'application/json; charset=utf-8' };

export const LIVE_ANSWER: HealthAnswer = { status: 200, headers: NO_STORE, body: JSON.stringify({ status: 'live' }) };

/** The `/health/ready` answer of a readiness result: 200 `ready`, or 503 naming the failing parts. */
export function readinessAnswer(readiness: Readiness): HealthAnswer {
  if (readiness.ready) return { status: 200, headers: NO_STORE, body: JSON.stringify({ status: 'ready', checks: readiness.checks }) };
  const failing = Object.entries(readiness.checks).filter(([, state]) => state !== 'ok').map(([part]) => part);
  return { status: 503, headers: { ...NO_STORE, 'retry-after': '5' }, body: JSON.stringify({ status: 'not ready', failing, checks: readiness.checks }) };
}

const HEALTH_ROUTE = routeConfig({ name: 'health', errorFormat: 'problem' });

/**
 * `GET /healthz`: 200 when the process serves and its database answers, 503
 * otherwise (for load balancers). The rate-limit store's state rides along;
 * it fails the check only when the limiter fails closed, since then the
 * process refuses every limited request anyway. `/health/live` and
 * `/health/ready` are the liveness and readiness probes.
 */
export async function healthRoutes(app: FastifyInstance, options: { health: HealthCheck }): Promise<void> {
  const { health } = options;
  app.get('/healthz', HEALTH_ROUTE, async (request, reply) => {
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
  app.get('/health/live', HEALTH_ROUTE, async (_request, reply) => reply.code(LIVE_ANSWER.status).headers(LIVE_ANSWER.headers).send(LIVE_ANSWER.body));
  app.get('/health/ready', HEALTH_ROUTE, async (_request, reply) => {
    const answer = readinessAnswer(await health.ready());
    return reply.code(answer.status).headers(answer.headers).send(answer.body);
  });
}

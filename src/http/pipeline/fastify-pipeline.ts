/**
 * The request pipeline on Fastify's side: every route (and the 404 handler)
 * names its {@link RouteInfo} in its `config`, one root `onRequest` hook runs
 * the pipeline, and one root error handler answers any failure in the
 * route's own error format.
 */
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sendFailure } from '../errors/write-failure.ts';
import type { RequestContext, RouteInfo } from './request-context.ts';
import type { RequestPipeline } from './request-pipeline.ts';
import { REQUEST_ID_HEADER } from './request-ids.ts';

/** Requests no route matched. */
export const NOT_FOUND_ROUTE: RouteInfo = { name: 'not-found', errorFormat: 'problem' };

/** The route config every Fastify route of Tessera's carries. */
export function routeConfig(route: RouteInfo): { config: { route: RouteInfo } } {
  return { config: { route } };
}

export function routeOf(request: FastifyRequest): RouteInfo {
  return (request.routeOptions.config as { route?: RouteInfo } | undefined)?.route ?? NOT_FOUND_ROUTE;
}

const contexts = new WeakMap<IncomingMessage, RequestContext>();

/** The pipeline's context of a request Fastify serves. */
export function contextOf(request: FastifyRequest): RequestContext {
  return contexts.get(request.raw)!;
}

export function installPipeline(app: FastifyInstance, pipeline: RequestPipeline): void {
  app.addHook('onRequest', (request, reply, done) => {
    const context = pipeline.begin(request.raw, reply.raw, routeOf(request), request.id);
    reply.raw.setHeader(REQUEST_ID_HEADER, context.id);
    contexts.set(request.raw, context);
    let admitted;
    try {
      admitted = pipeline.admit(context, request.raw, reply.raw);
    } catch (error) {
      done(error as Error);
      return;
    }
    if (admitted === undefined) done();
    else admitted.then(() => done(), done);
  });
  // The route runs inside the hooks' `around` (a trace context); after onRequest, since Fastify reads the body in between.
  app.addHook('preHandler', (request, _reply, done) => {
    const context = contexts.get(request.raw);
    if (context === undefined) done();
    else pipeline.enter(context, done);
  });
  app.setErrorHandler((error, request, reply) => {
    const route = routeOf(request);
    return sendFailure(error, route.errorFormat, reply, contexts.get(request.raw), route.errorDialect);
  });
}

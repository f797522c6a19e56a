/**
 * Builds the Fastify application without listening, so tests inject requests
 * with `app.inject()` and the server module alone owns sockets.
 */
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { LogLevel } from '../config/config.ts';
import type { AppServices } from './app-services.ts';
import { logCompletedRequests, loggerOptions, requestIdGenerator } from './logging.ts';
import { adminPlugin } from './admin/admin-plugin.ts';
import { healthRoutes } from './routes/health.ts';
import { DirectDispatcher } from './direct-dispatch.ts';
import { EndOfTurn } from './end-of-turn.ts';
import { formEndpoints, type TokenRoute } from './form-endpoints.ts';
import { formEndpointRoutes } from './routes/form-endpoints.ts';
import { jwksRoutes } from './routes/jwks.ts';
import { metadataRoutes } from './routes/metadata.ts';

/** The package version, reported by the OpenAPI document. */
export const TESSERA_VERSION = '0.1.0';

export interface AppOptions {
  services: AppServices;
  tokenRoutes: readonly TokenRoute[];
  /** Largest accepted request body in bytes (413 beyond). */
  bodyLimitBytes: number;
  logLevel?: LogLevel;
  /** Trust `X-Forwarded-*` from a reverse proxy for the client address. */
  trustProxy?: boolean;
}

const REQUEST_TIMEOUT_MS = 30_000;

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { services } = options;
  const endpoints = formEndpoints({
    tokenRoutes: options.tokenRoutes,
    tokenEndpoint: services.tokenEndpoint,
    introspectionEndpoint: services.introspectionEndpoint,
    revocationEndpoint: services.revocationEndpoint,
  });
  const formContext = { bodyLimitBytes: options.bodyLimitBytes, trustProxy: options.trustProxy ?? false, endOfTurn: new EndOfTurn() };
  const nextRequestId = requestIdGenerator();
  const direct = new DirectDispatcher({ ...formContext, endpoints, requestTimeoutMs: REQUEST_TIMEOUT_MS, nextRequestId });
  const app = Fastify({
    // The token, introspection and revocation endpoints are served before Fastify's router (direct-dispatch.ts).
    serverFactory: (handler) => direct.createServer(handler),
    genReqId: nextRequestId,
    logger: loggerOptions(options.logLevel ?? 'info'),
    // One line per request is written by logCompletedRequests instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: options.trustProxy ?? false,
    bodyLimit: options.bodyLimitBytes,
    // Seed 000's endpoint is `/v2/token/`: answer with and without the slash.
    routerOptions: { ignoreTrailingSlash: true },
    // A slow client must not hold a connection forever.
    requestTimeout: REQUEST_TIMEOUT_MS,
    return503OnClosing: true,
    // The admin API rejects unknown fields and never coerces body types; queries are strings checked by the routes.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false, allErrors: false } },
  });
  direct.log = app.log;
  app.addHook('preClose', async () => {
    direct.closing = true;
  });
  logCompletedRequests(app);
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).type('application/problem+json').send({ type: 'about:blank', title: 'Not Found', status: 404, detail: `No route for ${request.method} ${request.url.split('?', 1)[0]}` }),
  );
  await app.register(healthRoutes, { health: services.health });
  await app.register(adminPlugin, { services, version: TESSERA_VERSION });
  await app.register(formEndpointRoutes, { ...formContext, endpoints });
  await app.register(metadataRoutes, { discovery: services.discovery });
  await app.register(jwksRoutes, { discovery: services.discovery });
  return app;
}

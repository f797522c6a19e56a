/**
 * Builds the Fastify application without listening, so tests inject requests
 * with `app.inject()` and the server module alone owns sockets.
 */
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { Tessera } from '../tessera.ts';
import { logCompletedRequests, loggerOptions, requestIdGenerator, type LogLevel } from './logging.ts';
import { adminPlugin } from './admin/admin-plugin.ts';
import { healthRoutes } from './routes/health.ts';
import { DirectDispatcher } from './direct-dispatch.ts';
import { EndOfTurn } from './end-of-turn.ts';
import { formEndpoints, type TokenRoute } from './form-endpoints.ts';
import { formEndpointRoutes } from './routes/form-endpoints.ts';
import { jwksRoutes } from './routes/jwks.ts';
import { metadataRoutes } from './routes/metadata.ts';
import { consoleRoutes } from './routes/console.ts';

/** The package version, reported by the OpenAPI document. */
export const TESSERA_VERSION = '0.1.0';

export interface AppOptions {
  tessera: Tessera;
  tokenRoutes: readonly TokenRoute[];
  /** Largest accepted request body in bytes (413 beyond). */
  bodyLimitBytes: number;
  logLevel?: LogLevel;
  /** Trust `X-Forwarded-*` from a reverse proxy for the client address. */
  trustProxy?: boolean;
  /** Serve the operators' web console at `/console`; default false. */
  console?: boolean;
}

const REQUEST_TIMEOUT_MS = 30_000;

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { tessera } = options;
  const endpoints = formEndpoints({
    tokenRoutes: options.tokenRoutes,
    tokenEndpoint: tessera.tokenEndpoint,
    introspectionEndpoint: tessera.introspectionEndpoint,
    revocationEndpoint: tessera.revocationEndpoint,
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
  await app.register(healthRoutes, { store: tessera.store });
  await app.register(adminPlugin, { tessera, version: TESSERA_VERSION });
  await app.register(formEndpointRoutes, { ...formContext, endpoints });
  await app.register(metadataRoutes, { tessera });
  await app.register(jwksRoutes, { tessera });
  if (options.console === true) await app.register(consoleRoutes, {});
  return app;
}

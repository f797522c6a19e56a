/**
 * Builds the Fastify application without listening, so tests inject requests
 * with `app.inject()` and the server module alone owns sockets.
 */
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { LogLevel } from '../config/config.ts';
import { adminPlugin } from './admin/admin-plugin.ts';
import type { AppServices } from './app-services.ts';
import { DirectDispatcher, type ConnectionOptions } from './direct-dispatch.ts';
import { EndOfTurn } from './end-of-turn.ts';
import { formEndpoints, type TokenRoute } from './form-endpoints.ts';
import { createLogger } from './logging.ts';
import { installPipeline } from './pipeline/fastify-pipeline.ts';
import { requestLogHook, type RequestLogOptions } from './pipeline/hooks/request-log.ts';
import { shutdownGateHook } from './pipeline/hooks/shutdown-gate.ts';
import { RequestIds } from './pipeline/request-ids.ts';
import { RequestPipeline, type RequestHook } from './pipeline/request-pipeline.ts';
import { formEndpointRoutes } from './routes/form-endpoints.ts';
import { healthRoutes } from './routes/health.ts';
import { jwksRoutes } from './routes/jwks.ts';
import { metadataRoutes } from './routes/metadata.ts';
import { consoleRoutes } from './routes/console.ts';
import type { TlsMaterial } from './tls.ts';
import { AdminError } from '../admin/admin-error.ts';

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
  /** Hooks to run on every request after Tessera's own (request id and shutdown gate first, the log line last). */
  hooks?: readonly RequestHook[];
  /** Serve the operators' web console at `/console`; default false. */
  console?: boolean;
  /** The request log line's level and sampling; default every request at `info`. */
  requestLog?: RequestLogOptions;
  /** Serve HTTPS with this certificate and key (both request paths, one server). */
  tls?: TlsMaterial;
}

/** A slow client must not hold a connection forever. */
const REQUEST_TIMEOUT_MS = 30_000;
/** Fastify's default: longer than the 60 s idle timeout of common load balancers. */
const KEEP_ALIVE_TIMEOUT_MS = 72_000;

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { services } = options;
  const trustProxy = options.trustProxy ?? false;
  const connections: ConnectionOptions = { bodyLimitBytes: options.bodyLimitBytes, requestTimeoutMs: REQUEST_TIMEOUT_MS, keepAliveTimeoutMs: KEEP_ALIVE_TIMEOUT_MS };
  const log = createLogger(options.logLevel ?? 'info');
  const shutdownGate = shutdownGateHook();
  const pipeline = new RequestPipeline({
    hooks: [shutdownGate, ...(options.hooks ?? []), requestLogHook(options.requestLog)],
    log,
    requestIds: new RequestIds(),
    trustProxy,
  });
  const endpoints = formEndpoints({
    tokenRoutes: options.tokenRoutes,
    tokenEndpoint: services.tokenEndpoint,
    introspectionEndpoint: services.introspectionEndpoint,
    revocationEndpoint: services.revocationEndpoint,
  });
  const formOptions = { bodyLimitBytes: options.bodyLimitBytes, endOfTurn: new EndOfTurn() };
  const direct = new DirectDispatcher({ ...connections, ...formOptions, endpoints, pipeline });
  const app = Fastify({
    // The token, introspection and revocation endpoints are served before Fastify's router (direct-dispatch.ts).
    serverFactory: (handler) => direct.createServer(handler, options.tls),
    genReqId: (request) => pipeline.requestId(request),
    loggerInstance: log,
    // The pipeline's request-log hook writes one line per request instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy,
    bodyLimit: connections.bodyLimitBytes,
    requestTimeout: connections.requestTimeoutMs,
    keepAliveTimeout: connections.keepAliveTimeoutMs,
    // Seed 000's endpoint is `/v2/token/`: answer with and without the slash.
    routerOptions: { ignoreTrailingSlash: true },
    // The shutdown gate answers requests during shutdown, on both paths alike.
    return503OnClosing: false,
    // The admin API rejects unknown fields and never coerces body types; queries are strings checked by the routes.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false, allErrors: false } },
  });
  app.addHook('preClose', async () => shutdownGate.close());
  installPipeline(app, pipeline);
  app.setNotFoundHandler({}, (request) => {
    throw new AdminError('not_found', `No route for ${request.method} ${request.url.split('?', 1)[0]}`);
  });
  await app.register(healthRoutes, { health: services.health });
  await app.register(adminPlugin, { services, version: TESSERA_VERSION });
  await app.register(formEndpointRoutes, { ...formOptions, endpoints });
  await app.register(metadataRoutes, { discovery: services.discovery });
  await app.register(jwksRoutes, { discovery: services.discovery });
  if (options.console === true) await app.register(consoleRoutes, {});
  return app;
}

/**
 * Builds the Fastify application without listening, so tests inject requests
 * with `app.inject()` and the server module alone owns sockets.
 */
import type { IncomingMessage } from 'node:http';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { LogLevel } from '../config/config.ts';
import { adminPlugin } from './admin/admin-plugin.ts';
import type { AppServices } from './app-services.ts';
import { ClientAddresses, type ClientAddressOptions } from './client-address.ts';
import { answerClientError } from './connections.ts';
import { DirectDispatcher, type ConnectionOptions, type ConnectionTimeouts } from './direct-dispatch.ts';
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
import { preflightRoutes } from './routes/preflight.ts';
import { CorsPolicy } from './cors/cors-policy.ts';
import { corsHook } from './pipeline/hooks/cors.ts';
import type { TlsMaterial } from './tls.ts';
import { AdminError } from '../admin/admin-error.ts';

export interface AppOptions {
  services: AppServices;
  tokenRoutes: readonly TokenRoute[];
  /** Largest accepted request body in bytes (413 beyond). */
  bodyLimitBytes: number;
  /** Connection timeouts (config `requestTimeoutMs`, `headersTimeoutMs`, `keepAliveTimeoutMs`); defaults as the settings'. */
  timeouts?: Partial<ConnectionTimeouts>;
  logLevel?: LogLevel;
  /** Who requests come from, behind trusted proxies (config `trustedProxies`, `forwardedHeader`); default the socket's peer. */
  clientAddresses?: ClientAddressOptions;
  /** Hooks to run on every request after Tessera's own (request id, shutdown gate and CORS first, the log line last). */
  hooks?: readonly RequestHook[];
  /** Serve the operators' web console at `/console`; default false. */
  console?: boolean;
  /** The version the OpenAPI document reports (the server passes its package's); default `0.0.0`. */
  version?: string;
  /** Web origins allowed to call every tenant's OAuth endpoints from a browser, besides each tenant's own (cors/cors-policy.ts); default none. */
  corsOrigins?: readonly string[];
  /** The request log line's level and sampling; default every request at `info`. */
  requestLog?: RequestLogOptions;
  /** Serve HTTPS with this certificate and key (both request paths, one server). */
  tls?: TlsMaterial;
}

/**
 * How request schemas are checked: unknown fields are refused and body types
 * never coerced (queries are strings the routes check); `verbose` hands each
 * error its schema, whose `x-error` is the message the setting declares
 * (admin/settings/field.ts).
 */
export const ADMIN_VALIDATION = { removeAdditional: false, coerceTypes: false, useDefaults: false, allErrors: false, verbose: true, keywords: ['x-error'] };

/** The settings' defaults (config.ts), for embedders and tests that build an app without a config. */
const DEFAULT_TIMEOUTS: ConnectionTimeouts = { requestTimeoutMs: 30_000, headersTimeoutMs: 20_000, keepAliveTimeoutMs: 72_000 };

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { services } = options;
  const addresses = new ClientAddresses(options.clientAddresses ?? { trustedProxies: [], header: 'x-forwarded-for' });
  const connections: ConnectionOptions = { bodyLimitBytes: options.bodyLimitBytes, ...DEFAULT_TIMEOUTS, ...options.timeouts };
  const log = createLogger(options.logLevel ?? 'info');
  const shutdownGate = shutdownGateHook();
  const cors = corsHook(new CorsPolicy({ discovery: services.discovery, origins: options.corsOrigins ?? [] }));
  const pipeline = new RequestPipeline({
    // CORS before any later hook, so a browser can read that hook's refusal too.
    hooks: [shutdownGate, cors, ...(options.hooks ?? []), requestLogHook(options.requestLog)],
    log,
    requestIds: new RequestIds(),
    clientAddress: addresses.of,
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
    // Paths matched in any letter case (the `owin` dialect) reach their routes in the configured spelling.
    ...(direct.caseInsensitivePaths.size === 0
      ? {}
      : { rewriteUrl: (request: IncomingMessage) => direct.caseInsensitivePaths.rewrite(request.url ?? '/') ?? request.url ?? '/' }),
    genReqId: (request) => pipeline.requestId(request),
    loggerInstance: log,
    // The pipeline's request-log hook writes one line per request instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    // Every hook and log line reads the client address from the pipeline's RequestContext
    // (client-address.ts, which also reads RFC 7239 Forwarded); Fastify's request.ip is not used.
    trustProxy: false,
    bodyLimit: connections.bodyLimitBytes,
    requestTimeout: connections.requestTimeoutMs,
    keepAliveTimeout: connections.keepAliveTimeoutMs,
    // Parse errors, oversized headers and timeouts are answered, then the connection closed gently (connections.ts).
    clientErrorHandler: answerClientError,
    // Seed 000's endpoint is `/v2/token/`: answer with and without the slash.
    routerOptions: { ignoreTrailingSlash: true },
    // The shutdown gate answers requests during shutdown, on both paths alike.
    return503OnClosing: false,
    ajv: { customOptions: ADMIN_VALIDATION },
  });
  app.addHook('preClose', async () => shutdownGate.close());
  installPipeline(app, pipeline);
  app.setNotFoundHandler({}, (request) => {
    throw new AdminError('not_found', `No route for ${request.method} ${request.url.split('?', 1)[0]}`);
  });
  await app.register(healthRoutes, { health: services.health });
  await app.register(adminPlugin, { services, version: options.version ?? '0.0.0' });
  await app.register(formEndpointRoutes, { ...formOptions, endpoints });
  await app.register(metadataRoutes, { discovery: services.discovery });
  await app.register(jwksRoutes, { discovery: services.discovery });
  await app.register(preflightRoutes, { endpoints });
  if (options.console === true) await app.register(consoleRoutes, {});
  return app;
}

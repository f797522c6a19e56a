/**
 * Builds the Fastify application without listening, so tests inject requests
 * with `app.inject()` and the server module alone owns sockets.
 */
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { Tessera } from '../tessera.ts';
import { logCompletedRequests, loggerOptions, type LogLevel } from './logging.ts';
import { adminPlugin } from './admin/admin-plugin.ts';
import { healthRoutes } from './routes/health.ts';
import { introspectionRoutes } from './routes/introspection.ts';
import { jwksRoutes } from './routes/jwks.ts';
import { metadataRoutes } from './routes/metadata.ts';
import { revocationRoutes } from './routes/revocation.ts';
import { tokenRoutes, type TokenRoute } from './routes/token.ts';

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
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: loggerOptions(options.logLevel ?? 'info'),
    // One line per request is written by logCompletedRequests instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: options.trustProxy ?? false,
    bodyLimit: options.bodyLimitBytes,
    // Seed 000's endpoint is `/v2/token/`: answer with and without the slash.
    routerOptions: { ignoreTrailingSlash: true },
    // A slow client must not hold a connection forever.
    requestTimeout: 30_000,
    return503OnClosing: true,
    // The admin API rejects unknown fields and never coerces body types; queries are strings checked by the routes.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false, allErrors: false } },
  });
  logCompletedRequests(app);
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).type('application/problem+json').send({ type: 'about:blank', title: 'Not Found', status: 404, detail: `No route for ${request.method} ${request.url.split('?', 1)[0]}` }),
  );
  await app.register(healthRoutes, { store: options.tessera.store });
  await app.register(adminPlugin, { tessera: options.tessera, version: TESSERA_VERSION });
  await app.register(tokenRoutes, {
    routes: options.tokenRoutes,
    tokenEndpoint: options.tessera.tokenEndpoint,
    bodyLimitBytes: options.bodyLimitBytes,
  });
  const { introspectionEndpoint, revocationEndpoint } = options.tessera;
  await app.register(introspectionRoutes, { introspectionEndpoint, bodyLimitBytes: options.bodyLimitBytes });
  await app.register(revocationRoutes, { revocationEndpoint, bodyLimitBytes: options.bodyLimitBytes });
  await app.register(metadataRoutes, { tessera: options.tessera });
  await app.register(jwksRoutes, { tessera: options.tessera });
  return app;
}

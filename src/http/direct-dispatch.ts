/**
 * Tessera's HTTP server: requests to the form-posting OAuth endpoints
 * (token, introspection, revocation) go straight to serveFormRequest; every
 * other request, and any request to them that this exact-path table does not
 * recognise, goes to Fastify, whose routes serve those endpoints with the
 * same function. Why: these endpoints are the hot path, and they use nothing
 * of Fastify (they parse and answer their own bodies, see form-request.ts),
 * while Fastify set up as Tessera's app loses a quarter to two fifths of a
 * bare `node:http` server's throughput before any token logic (the
 * benchmark's two ceilings, docs/benchmarks.md).
 */
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { FastifyBaseLogger } from 'fastify';
import { OAuthError } from '../core/errors.ts';
import type { FormEndpoint } from './form-endpoints.ts';
import { serveFormRequest, clientAddress, type FormRequestContext } from './form-request.ts';
import { writeOAuthError } from './oauth-error-reply.ts';

/** find-my-way's default `maxParamLength`, which Tessera's Fastify app keeps. */
const MAX_PARAM_LENGTH = 100;

function withoutTrailingSlash(path: string): string {
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

/** Levels at which each request is logged (`info` and below). */
const LOGS_REQUESTS = new Set(['info', 'debug', 'trace']);

/** Fastify's default: longer than the 60 s idle timeout of common load balancers. */
const KEEP_ALIVE_TIMEOUT_MS = 72_000;

export interface DirectDispatchOptions extends FormRequestContext {
  endpoints: readonly FormEndpoint[];
  /** A slow client must not hold a connection forever. */
  requestTimeoutMs: number;
  /** Request ids shared with Fastify's, so log lines from both never collide. */
  nextRequestId: () => string;
}

export interface DirectMatch {
  endpoint: FormEndpoint;
  pathTenant: string | undefined;
}

export class DirectDispatcher {
  readonly #byPath = new Map<string, FormEndpoint>();
  readonly #options: DirectDispatchOptions;
  /** The app's logger, set once the app exists (no request arrives before it listens). */
  log: FastifyBaseLogger | undefined;
  /** Set when shutdown begins: new requests get 503, as Fastify's `return503OnClosing` answers its own. */
  closing = false;

  constructor(options: DirectDispatchOptions) {
    this.#options = options;
    // Keyed as requests are looked up: a path configured with its trailing slash (seed 000's `/v2/token/`) included.
    for (const endpoint of options.endpoints) this.#byPath.set(withoutTrailingSlash(endpoint.path), endpoint);
  }

  /**
   * The endpoint serving `method` at `url`, matched as Fastify's router would
   * (exact, case-sensitive, one trailing slash ignored, `/t/<tenant>` twin);
   * undefined leaves the request to Fastify.
   */
  match(method: string | undefined, url: string | undefined): DirectMatch | undefined {
    if (method === undefined || url === undefined) return undefined;
    const queryStart = url.indexOf('?');
    const path = withoutTrailingSlash(queryStart === -1 ? url : url.slice(0, queryStart));
    let pathTenant: string | undefined;
    let endpoint = this.#byPath.get(path);
    if (endpoint === undefined && path.startsWith('/t/')) {
      const end = path.indexOf('/', 3);
      // Fastify's router refuses longer parameters (414); leave those to it, so both paths answer alike.
      if (end <= 3 || end - 3 > MAX_PARAM_LENGTH) return undefined;
      endpoint = this.#byPath.get(path.slice(end));
      if (endpoint === undefined) return undefined;
      try {
        pathTenant = decodeURIComponent(path.slice(3, end));
      } catch {
        return undefined; // malformed escape: Fastify answers it
      }
    }
    if (endpoint === undefined || !endpoint.methods.includes(method)) return undefined;
    return { endpoint, pathTenant };
  }

  /** The `node:http` server Fastify is given (its `serverFactory`). */
  createServer(fastifyHandler: RequestListener): Server {
    const server = createServer((request, response) => {
      const matched = this.match(request.method, request.url);
      if (matched === undefined) fastifyHandler(request, response);
      else this.#serve(matched, request, response);
    });
    server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
    server.requestTimeout = this.#options.requestTimeoutMs;
    return server;
  }

  #serve({ endpoint, pathTenant }: DirectMatch, request: IncomingMessage, response: ServerResponse): void {
    const log = this.log!;
    // The request id, and the child logger error lines carry it in (as Fastify's request.log does), are made
    // only when a line is written: most token requests at `warn` write none.
    let reqId: string | undefined;
    const requestId = () => (reqId ??= this.#options.nextRequestId());
    const requestLog = () => log.child({ reqId: requestId() });
    if (LOGS_REQUESTS.has(log.level)) this.#logOnFinish(request, response, log, requestId());
    if (this.closing) {
      const error = new OAuthError('temporarily_unavailable', 'The server is shutting down; retry', { status: 503, headers: { connection: 'close' } });
      writeOAuthError(error, response, requestLog, this.#options.bodyLimitBytes);
      return;
    }
    // serveFormRequest answers every failure itself; this catch only guards against a bug there.
    serveFormRequest(endpoint, request, response, pathTenant, this.#options, requestLog).catch((error: unknown) => {
      requestLog().error({ err: String(error) }, 'request failed');
      response.destroy();
    });
  }

  /** The one line per request that Fastify's onResponse hook writes for its own routes (logging.ts). */
  #logOnFinish(request: IncomingMessage, response: ServerResponse, log: FastifyBaseLogger, reqId: string): void {
    const started = performance.now();
    response.once('finish', () => {
      const url = request.url ?? '/';
      log.info(
        {
          reqId,
          method: request.method,
          path: url.split('?', 1)[0],
          status: response.statusCode,
          ms: Math.round((performance.now() - started) * 100) / 100,
          ip: clientAddress(request, this.#options.trustProxy),
        },
        'request',
      );
    });
  }
}

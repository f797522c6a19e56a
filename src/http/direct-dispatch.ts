/**
 * Tessera's HTTP server: requests to the form-posting OAuth endpoints
 * (token, introspection, revocation) go straight to serveFormRequest; every
 * other request, and any request to them that this exact-path table does not
 * recognise, goes to Fastify, whose routes serve those endpoints with the
 * same function. Why: these endpoints are the hot path, and they use nothing
 * of Fastify (they parse and answer their own bodies, see form-request.ts),
 * while Fastify's routing, hooks and reply objects cost a large share of a
 * bare `node:http` server's throughput before any token logic
 * (docs/benchmarks.md measures both ceilings).
 *
 * Both paths share what matters to a caller: the request pipeline (request
 * id, log line, shutdown gate and every later hook), the body limit, the
 * timeouts and the error writer.
 */
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { manageConnections, serverOptions } from './connections.ts';
import { writeFailure } from './errors/write-failure.ts';
import type { FormEndpoint } from './form-endpoints.ts';
import { serveFormRequest, type FormRequestOptions } from './form-request.ts';
import { CaseInsensitivePaths } from './path-case.ts';
import type { RouteInfo } from './pipeline/request-context.ts';
import type { RequestPipeline } from './pipeline/request-pipeline.ts';
import { secureContextOptions, type TlsMaterial } from './tls.ts';

/** find-my-way's default `maxParamLength`, which Tessera's Fastify app keeps. */
export const MAX_PARAM_LENGTH = 100;

function withoutTrailingSlash(path: string): string {
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

/** How long a client may take, in milliseconds (the settings of the same names). */
export interface ConnectionTimeouts {
  /** To send one whole request: a slow client must not hold a connection forever. */
  requestTimeoutMs: number;
  /** To send a request's headers; at most requestTimeoutMs. */
  headersTimeoutMs: number;
  /** How long an idle keep-alive connection stays open. */
  keepAliveTimeoutMs: number;
}

/** How both request paths treat connections; Fastify is configured from the same values (app.ts). */
export interface ConnectionOptions extends ConnectionTimeouts {
  /** Largest accepted request body in bytes (413 beyond). */
  bodyLimitBytes: number;
}

export interface DirectDispatchOptions extends ConnectionOptions, FormRequestOptions {
  endpoints: readonly FormEndpoint[];
  pipeline: RequestPipeline;
}

export interface DirectMatch {
  endpoint: FormEndpoint;
  pathTenant: string | undefined;
}

export class DirectDispatcher {
  readonly #byPath = new Map<string, FormEndpoint>();
  readonly #routes = new Map<FormEndpoint, RouteInfo>();
  readonly #options: DirectDispatchOptions;
  /** The paths matched in any letter case (the `owin` dialect), for Fastify's URL rewriting too. */
  readonly caseInsensitivePaths: CaseInsensitivePaths;

  constructor(options: DirectDispatchOptions) {
    this.#options = options;
    // Keyed as requests are looked up: a path configured with its trailing slash (seed 000's `/v2/token/`) included.
    for (const endpoint of options.endpoints) {
      this.#byPath.set(withoutTrailingSlash(endpoint.path), endpoint);
      this.#routes.set(endpoint, endpoint.route);
    }
    this.caseInsensitivePaths = new CaseInsensitivePaths(options.endpoints.filter((e) => e.caseInsensitive === true).map((e) => e.path));
  }

  /** The endpoint at `path` (no query, no trailing slash): its exact spelling first, then any letter case where allowed. */
  #lookup(path: string): FormEndpoint | undefined {
    const exact = this.#byPath.get(path);
    if (exact !== undefined || this.caseInsensitivePaths.size === 0) return exact;
    const canonical = this.caseInsensitivePaths.canonical(path);
    return canonical === undefined ? undefined : this.#byPath.get(canonical);
  }

  /**
   * The endpoint serving `method` at `url`, matched as Fastify's router would
   * (exact, case-sensitive unless the endpoint's dialect says otherwise, one
   * trailing slash ignored, `/t/<tenant>` twin); undefined leaves the request to Fastify.
   */
  match(method: string | undefined, url: string | undefined): DirectMatch | undefined {
    if (method === undefined || url === undefined) return undefined;
    const queryStart = url.indexOf('?');
    const path = withoutTrailingSlash(queryStart === -1 ? url : url.slice(0, queryStart));
    let pathTenant: string | undefined;
    let endpoint = this.#lookup(path);
    if (endpoint === undefined && path.startsWith('/t/')) {
      const end = path.indexOf('/', 3);
      // Fastify's router refuses longer parameters (414); leave those to it, so both paths answer alike.
      if (end <= 3 || end - 3 > MAX_PARAM_LENGTH) return undefined;
      endpoint = this.#lookup(path.slice(end));
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

  /**
   * The server Fastify is given (its `serverFactory`): `node:http`, or
   * `node:https` with `tls` (an `https.Server` is an `http.Server` to every
   * request handler, so both paths serve HTTPS alike).
   */
  createServer(fastifyHandler: RequestListener, tls?: TlsMaterial): Server {
    const listener: RequestListener = (request, response) => {
      const matched = this.match(request.method, request.url);
      if (matched === undefined) fastifyHandler(request, response);
      else this.#serve(matched, request, response);
    };
    const options = serverOptions(this.#options);
    const server = tls === undefined ? createServer(options, listener) : (createHttpsServer({ ...secureContextOptions(tls), ...options }, listener) as unknown as Server);
    manageConnections(server, tls !== undefined);
    return server;
  }

  #serve({ endpoint, pathTenant }: DirectMatch, request: IncomingMessage, response: ServerResponse): void {
    const { pipeline } = this.#options;
    const route = this.#routes.get(endpoint)!;
    const context = pipeline.begin(request, response, route);
    const refuse = (error: unknown) => writeFailure(error, 'oauth', response, context, this.#options.bodyLimitBytes, route.errorDialect);
    const serve = () =>
      // serveFormRequest answers every failure itself; this catch only guards against a bug there.
      void serveFormRequest(endpoint, request, response, pathTenant, context, this.#options).catch((error: unknown) => {
        context.log().error({ err: String(error) }, 'request failed');
        response.destroy();
      });
    let admitted;
    try {
      admitted = pipeline.admit(context, request, response);
    } catch (error) {
      refuse(error);
      return;
    }
    if (admitted === undefined) pipeline.enter(context, serve);
    else admitted.then(() => pipeline.enter(context, serve), refuse);
  }
}

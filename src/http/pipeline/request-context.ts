/**
 * One request as the pipeline's hooks see it, whichever path serves it (the
 * direct dispatcher or a Fastify route): what it is, who it is from, and what
 * the hooks learned about it on the way.
 */
import type { IncomingMessage } from 'node:http';
import type { FastifyBaseLogger } from 'fastify';
import type { TokenFormat } from '../../core/model.ts';
import type { RequestFacts } from '../../core/request-facts.ts';
import type { ErrorFormat } from '../errors/write-failure.ts';

/** What a route is, for the hooks: a stable name (logs, metrics, limits) and the format its errors are written in. */
export interface RouteInfo {
  /** `token`, `introspection`, `revocation`, `jwks`, `metadata`, `admin`, `health`, `not-found`, … */
  readonly name: string;
  readonly errorFormat: ErrorFormat;
}

/**
 * A request's context. It is also where the endpoint reports what it learned
 * ({@link RequestFacts}: tenant, client, grant, token format, introspection
 * result, filled in by the core) and the error code its answer carried, for
 * the hooks that count requests once they are over.
 */
export class RequestContext implements RequestFacts {
  readonly id: string;
  readonly route: RouteInfo;
  readonly method: string;
  /** The path without the query string (which may carry credentials: never logged). */
  readonly path: string;
  /** The client's address (behind a trusted proxy, the forwarded one). */
  readonly remoteAddress: string | undefined;
  /** `performance.now()` when the request arrived. */
  readonly startedAt: number;
  tenantId: string | undefined = undefined;
  clientId: string | undefined = undefined;
  grantType: string | undefined = undefined;
  tokenFormat: TokenFormat | undefined = undefined;
  active: boolean | undefined = undefined;
  /** The OAuth `error` code of an error answer (`problem` for an admin API problem without one); unset on success. */
  errorCode: string | undefined = undefined;
  readonly #log: FastifyBaseLogger;
  #requestLog: FastifyBaseLogger | undefined;

  constructor(id: string, route: RouteInfo, request: IncomingMessage, remoteAddress: string | undefined, log: FastifyBaseLogger) {
    this.id = id;
    this.route = route;
    this.method = request.method ?? 'GET';
    const url = request.url ?? '/';
    const queryStart = url.indexOf('?');
    this.path = queryStart === -1 ? url : url.slice(0, queryStart);
    this.remoteAddress = remoteAddress;
    this.startedAt = performance.now();
    this.#log = log;
  }

  /** The level the server logs at, to decide whether a line is worth making. */
  get logLevel(): string {
    return this.#log.level;
  }

  /** The request's logger (its lines carry the request id), made only when something is logged. */
  readonly log = (): FastifyBaseLogger => (this.#requestLog ??= this.#log.child({ reqId: this.id }));
}

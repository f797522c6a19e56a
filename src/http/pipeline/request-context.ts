/**
 * One request as the pipeline's hooks see it, whichever path serves it (the
 * direct dispatcher or a Fastify route): what it is, who it is from, and what
 * the hooks learned about it on the way.
 */
import type { IncomingMessage } from 'node:http';
import type { FastifyBaseLogger } from 'fastify';
import type { CallerEvent, CallerReport } from '../../core/caller.ts';
import type { OAuthErrorDialect } from '../../config/dialect.ts';
import type { TokenFormat } from '../../core/model.ts';
import type { RequestFacts } from '../../core/request-facts.ts';
import type { ErrorFormat } from '../errors/write-failure.ts';

/** What a route is, for the hooks: a stable name (logs, metrics, limits) and the format its errors are written in. */
export interface RouteInfo {
  /** `token`, `introspection`, `revocation`, `jwks`, `metadata`, `admin`, `health`, `not-found`, … */
  readonly name: string;
  readonly errorFormat: ErrorFormat;
  /** The methods the route serves, where a hook needs them (a CORS preflight names them). */
  readonly methods?: readonly string[];
  /** A token path's dialect, when it writes its errors a vendor's way (seed 002). */
  readonly errorDialect?: OAuthErrorDialect | undefined;
}

/**
 * A request's context. The core sees it two ways, handed down with the
 * request: as the {@link RequestFacts} it fills in as it learns them (tenant,
 * client, grant, token format, introspection result: a few stores, read by
 * the hooks that count requests once they are over), and as the
 * {@link CallerReport} it tells of who is calling before the costly part of
 * its work (which a hook may refuse there). The error writer adds the error
 * code its answer carried.
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

  readonly #reportCaller: ((context: RequestContext, event: CallerEvent) => void | Promise<void>) | undefined;

  constructor(
    id: string,
    route: RouteInfo,
    request: IncomingMessage,
    remoteAddress: string | undefined,
    log: FastifyBaseLogger,
    reportCaller?: (context: RequestContext, event: CallerEvent) => void | Promise<void>,
  ) {
    this.id = id;
    this.route = route;
    this.method = request.method ?? 'GET';
    const url = request.url ?? '/';
    const queryStart = url.indexOf('?');
    this.path = queryStart === -1 ? url : url.slice(0, queryStart);
    this.remoteAddress = remoteAddress;
    this.startedAt = performance.now();
    this.#log = log;
    this.#reportCaller = reportCaller;
  }

  /**
   * What the endpoint learned about the caller, for the pipeline's hooks
   * (core/caller.ts); throws or rejects when a hook refuses the request.
   * Bound, so the endpoint can hand it to the core as it is.
   */
  readonly report: CallerReport = (event) => this.#reportCaller?.(this, event);

  /** The level the server logs at, to decide whether a line is worth making. */
  get logLevel(): string {
    return this.#log.level;
  }

  /** The request's logger (its lines carry the request id), made only when something is logged. */
  readonly log = (): FastifyBaseLogger => (this.#requestLog ??= this.#log.child({ reqId: this.id }));
}

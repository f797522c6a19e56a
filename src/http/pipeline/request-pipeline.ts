/**
 * The one request pipeline every endpoint goes through, on either request
 * path: the direct dispatcher's (the form-posting OAuth endpoints) and
 * Fastify's (everything else). Hooks are defined once, as {@link RequestHook}s,
 * and run in the order given: each may refuse a request before its route runs
 * (the refusal is answered in the route's own error format), refuse it when
 * the endpoint reports who is calling (core/caller.ts), and observe it once
 * it is over.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyBaseLogger } from 'fastify';
import type { CallerEvent } from '../../core/caller.ts';
import { RequestContext, type RouteInfo } from './request-context.ts';
import type { RequestIds } from './request-ids.ts';

export interface RequestHook {
  readonly name: string;
  /**
   * Before the route runs. Throwing, or returning a promise that rejects,
   * refuses the request with that error. Return nothing (not a resolved
   * promise) when there is nothing to wait for: the fast path stays synchronous.
   * Headers set on `response` here are sent with whatever answers the request,
   * the route's answer or a refusal.
   */
  onRequest?(context: RequestContext, request: IncomingMessage, response: ServerResponse): void | Promise<void>;
  /**
   * When the endpoint learns who is calling (an authenticated client, a user
   * name about to be checked): throwing or rejecting refuses the request
   * there, before the costly part of its work. Same rule on promises.
   */
  onCaller?(context: RequestContext, event: CallerEvent): void | Promise<void>;
  /**
   * Once admitted, runs the route inside whatever this hook needs around it
   * (the request's trace context): it must call `route` exactly once, synchronously.
   */
  around?(context: RequestContext, route: () => void): void;
  /** Once the exchange is over: `answered` false when the connection closed before the answer was complete. */
  onResponse?(context: RequestContext, response: ServerResponse, answered: boolean): void;
}

export interface RequestPipelineOptions {
  hooks: readonly RequestHook[];
  log: FastifyBaseLogger;
  requestIds: RequestIds;
  /**
   * The client address of a request (http/client-address.ts: the socket's
   * peer, or what a trusted proxy forwarded); by default the socket's peer.
   */
  clientAddress?: (request: IncomingMessage) => string | undefined;
}

const socketPeer = (request: IncomingMessage) => request.socket?.remoteAddress;

export class RequestPipeline {
  readonly #requestHooks: RequestHook[];
  readonly #responseHooks: RequestHook[];
  readonly #callerHooks: RequestHook[];
  readonly #aroundHooks: RequestHook[];
  readonly #options: RequestPipelineOptions;
  readonly #clientAddress: (request: IncomingMessage) => string | undefined;

  constructor(options: RequestPipelineOptions) {
    this.#options = options;
    this.#clientAddress = options.clientAddress ?? socketPeer;
    this.#requestHooks = options.hooks.filter((h) => h.onRequest !== undefined);
    this.#responseHooks = options.hooks.filter((h) => h.onResponse !== undefined);
    this.#callerHooks = options.hooks.filter((h) => h.onCaller !== undefined);
    this.#aroundHooks = options.hooks.filter((h) => h.around !== undefined);
  }

  get log(): FastifyBaseLogger {
    return this.#options.log;
  }

  /** The request's id: its own acceptable `X-Request-Id`, or a new one (Fastify's `genReqId`). */
  requestId(request: IncomingMessage): string {
    return this.#options.requestIds.idFor(request);
  }

  /**
   * Starts a request: its context and the response hooks for when it is
   * over. `id` is the one already given to it, if any. Whoever writes the
   * answer puts `context.id` on it as {@link REQUEST_ID_HEADER}: Fastify's
   * side before its route runs (fastify-pipeline.ts), the direct path in the
   * head it writes in one call (form-request.ts, write-failure.ts), since a
   * header set ahead of `writeHead` sends Node down its slower merging path.
   */
  begin(request: IncomingMessage, response: ServerResponse, route: RouteInfo, id = this.requestId(request)): RequestContext {
    const context = new RequestContext(id, route, request, this.#clientAddress(request), this.#options.log, this.#reportCaller);
    if (this.#responseHooks.length > 0) {
      response.on('close', () => {
        const answered = response.writableFinished;
        for (const hook of this.#responseHooks) hook.onResponse!(context, response, answered);
      });
    }
    return context;
  }

  /** Runs the request hooks in order; throws or rejects with the refusal, if one refuses. */
  admit(context: RequestContext, request: IncomingMessage, response: ServerResponse): void | Promise<void> {
    const hooks = this.#requestHooks;
    for (let i = 0; i < hooks.length; i++) {
      const pending = hooks[i]!.onRequest!(context, request, response);
      if (pending !== undefined) return this.#admitRest(pending, i + 1, context, request, response);
    }
  }

  /** Runs an admitted request's route inside every `around` hook (the first outermost). */
  enter(context: RequestContext, route: () => void): void {
    const hooks = this.#aroundHooks;
    if (hooks.length === 0) return route();
    let next = route;
    for (let i = hooks.length - 1; i >= 0; i--) {
      const inner = next;
      const hook = hooks[i]!;
      next = () => hook.around!(context, inner);
    }
    next();
  }

  /** Runs the caller hooks in order on `event`; throws or rejects with a refusal. */
  readonly #reportCaller = (context: RequestContext, event: CallerEvent): void | Promise<void> => {
    const hooks = this.#callerHooks;
    for (let i = 0; i < hooks.length; i++) {
      const pending = hooks[i]!.onCaller!(context, event);
      if (pending !== undefined) return this.#reportRest(pending, i + 1, context, event);
    }
  };

  async #reportRest(pending: Promise<void>, from: number, context: RequestContext, event: CallerEvent): Promise<void> {
    await pending;
    for (let i = from; i < this.#callerHooks.length; i++) await this.#callerHooks[i]!.onCaller!(context, event);
  }

  async #admitRest(pending: Promise<void>, from: number, context: RequestContext, request: IncomingMessage, response: ServerResponse): Promise<void> {
    await pending;
    for (let i = from; i < this.#requestHooks.length; i++) await this.#requestHooks[i]!.onRequest!(context, request, response);
  }
}

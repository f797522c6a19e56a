/**
 * Request ids: a caller's own `X-Request-Id` when it is a sensible one (so a
 * request can be followed from the proxy or client that named it), otherwise
 * one of ours, unique across the processes of a cluster and across restarts:
 * a random prefix per process and a counter.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** What an incoming id may be: short, and nothing a log line or header could be broken with. */
const ACCEPTABLE = /^[A-Za-z0-9._:+=@/-]{1,128}$/;

export const REQUEST_ID_HEADER = 'x-request-id';

export class RequestIds {
  readonly #prefix = randomBytes(6).toString('base64url');
  #next = 0;

  /** A new id of this process. */
  next(): string {
    this.#next = (this.#next + 1) % Number.MAX_SAFE_INTEGER;
    return `${this.#prefix}-${this.#next.toString(36)}`;
  }

  /** The request's own id when it sent an acceptable one, else a new one. */
  idFor(request: IncomingMessage): string {
    const incoming = request.headers[REQUEST_ID_HEADER];
    return typeof incoming === 'string' && ACCEPTABLE.test(incoming) ? incoming : this.next();
  }
}

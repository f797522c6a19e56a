/**
 * The one seam through which the SDK talks HTTP.
 *
 * A transport has the shape of `fetch` restricted to what the SDK sends, so the
 * global `fetch` of Node, Deno, Bun, browsers and edge runtimes is a transport
 * as it is. The seam exists for two reasons: tests and proxies inject their
 * own, and `fetch()` refuses a GET request with a body ("Request with GET/HEAD
 * method cannot have body"), which seed 003 documents. For that dialect pass a
 * transport that can send it, such as `nodeTransport` from `tessera/client/node`.
 *
 * @module
 */
import { TokenRequestError } from './errors.ts';

/**
 * The request a {@link Transport} is asked to send. A subset of `RequestInit`.
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-9.3.1
 */
export interface TransportRequest {
  /** `GET` or `POST`. */
  readonly method: string;
  /** Request headers. */
  readonly headers: Headers;
  /** The encoded body, if any (also for GET when the dialect asks for it). */
  readonly body?: string | undefined;
  /** Aborts the request (timeout). */
  readonly signal?: AbortSignal | undefined;
  /**
   * Always `'manual'`: following a redirect would resend the credentials to
   * wherever the redirect points.
   */
  readonly redirect?: 'error' | 'follow' | 'manual' | undefined;
}

/**
 * Sends one HTTP request; `globalThis.fetch` is one.
 * @see docs/client.md#transports
 */
export type Transport = (url: string, request: TransportRequest) => Promise<Response>;

/**
 * Options every request-sending function accepts.
 * @see docs/client.md#transports
 */
export interface TransportOptions {
  /** Sends the request; defaults to the global `fetch`, looked up at call time. */
  readonly fetch?: Transport | undefined;
  /** Milliseconds to wait for the response headers before giving up. Default 30 000. */
  readonly timeout?: number | undefined;
  /** Aborts the request from outside. */
  readonly signal?: AbortSignal | undefined;
}

/**
 * Default for {@link TransportOptions.timeout}.
 * @see docs/client.md#transports
 */
export const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Sends `request` through the configured transport with a timeout, turning
 * low-level failures into a {@link TokenRequestError} whose message names only
 * the URL's origin and path (the query may hold credentials) and whose text has
 * passed through `scrub`.
 * @see docs/client.md#transports
 */
export async function send(
  url: URL,
  request: Omit<TransportRequest, 'signal' | 'redirect'>,
  options: TransportOptions,
  scrub: (text: string) => string,
): Promise<Response> {
  const transport = options.fetch ?? globalThis.fetch;
  const timeout = options.timeout ?? DEFAULT_TIMEOUT_MS;
  const controller = new AbortController();
  const onOuterAbort = () => controller.abort();
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  if (options.signal?.aborted) controller.abort();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeout);
  const where = `${url.origin}${url.pathname}`;
  try {
    return await transport(url.href, { ...request, signal: controller.signal, redirect: 'manual' });
  } catch (cause) {
    if (timedOut) throw new TokenRequestError(`request to ${where} timed out after ${timeout} ms`, 'TIMEOUT');
    if (controller.signal.aborted) throw new TokenRequestError(`request to ${where} was aborted`, 'ABORTED');
    throw new TokenRequestError(`request to ${where} failed: ${scrub(describe(cause))}`, codeOf(cause));
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onOuterAbort);
  }
}

// fetch() reports network failures as `TypeError: fetch failed` with the useful
// part (ECONNREFUSED, ENOTFOUND) on `cause`; surface that instead.
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const inner = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${inner}`;
}

function codeOf(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 3; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

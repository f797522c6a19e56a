/**
 * An in-process {@link Transport} for tests that need a frozen clock or exact
 * control over each answer without sockets: it records each request and
 * answers with the script's Response.
 */
import type { Transport } from '../../../src/client/index.ts';

export interface FakeCall {
  readonly url: URL;
  readonly method: string;
  readonly headers: Headers;
  readonly body: string | undefined;
  /** The body's parameters, form or JSON. */
  readonly params: Record<string, string>;
}

export interface FakeTransport {
  readonly fetch: Transport;
  readonly calls: FakeCall[];
}

export function fakeTransport(answer: (call: FakeCall, index: number) => Response | Promise<Response>): FakeTransport {
  const calls: FakeCall[] = [];
  const fetch: Transport = async (url, request) => {
    const body = request.body;
    const params: Record<string, string> =
      body === undefined ? {} : body.trimStart().startsWith('{') ? JSON.parse(body) : Object.fromEntries(new URLSearchParams(body));
    const call = { url: new URL(url), method: request.method, headers: new Headers(request.headers), body, params };
    const index = calls.push(call) - 1;
    // Yield once, as a real network round trip would, so concurrent callers overlap.
    await Promise.resolve();
    return answer(call, index);
  };
  return { fetch, calls };
}

/** A JSON Response. */
export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

/** A successful token response whose access token encodes the call number, so tests can tell tokens apart. */
export function tokenResponse(index: number, extra: Record<string, unknown> = {}): Response {
  return json({ access_token: `token-${index}`, token_type: 'Bearer', expires_in: 3600, ...extra });
}

/** A clock the test moves by hand, in epoch milliseconds. */
export function frozenClock(start = 1_700_000_000_000): { now: () => number; advance: (seconds: number) => void; set: (ms: number) => void } {
  let current = start;
  return {
    now: () => current,
    advance: (seconds) => {
      current += seconds * 1000;
    },
    set: (ms) => {
      current = ms;
    },
  };
}

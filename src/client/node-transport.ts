/**
 * A {@link Transport} on `node:http` / `node:https`, for the one thing
 * `fetch()` will not do: send a GET request with a body, as seed 003's
 * `curl --request GET --data-urlencode ...` does.
 *
 * This file is its own entry point (`tessera/client/node`) and is not imported
 * by `src/client/index.ts`, so the SDK proper stays free of `node:` imports and
 * runs on Deno, Bun, browsers and edge runtimes.
 *
 * @example
 * ```ts
 * import { createTokenSource, presets } from 'tessera/client';
 * import { nodeTransport } from 'tessera/client/node';
 * const source = createTokenSource({ preset: presets.owinPassword, fetch: nodeTransport, ... });
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-9.3.1
 * @module
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Transport, TransportRequest } from './transport.ts';

/** Largest response body accepted; token responses are a few kilobytes. */
const MAX_RESPONSE_BYTES = 1024 * 1024;

/** Statuses whose `Response` may not have a body (the constructor throws otherwise). */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/**
 * Sends a request with `node:http(s)`, body included whatever the method, and
 * resolves with a standard `Response`. Redirects are never followed. Rejects
 * with the socket's error (e.g. `ECONNREFUSED`), with an `AbortError` when the
 * signal fires, and with an error when the response body exceeds 1 MiB.
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-9.3.1
 */
export const nodeTransport: Transport = (url: string, request: TransportRequest): Promise<Response> =>
  new Promise((resolve, reject) => {
    const target = new URL(url);
    const send = target.protocol === 'https:' ? httpsRequest : target.protocol === 'http:' ? httpRequest : undefined;
    if (send === undefined) {
      reject(new TypeError(`unsupported protocol ${target.protocol}`));
      return;
    }
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => {
      headers[name] = value;
    });
    const body = request.body === undefined ? undefined : new TextEncoder().encode(request.body);
    if (body !== undefined) headers['content-length'] = String(body.byteLength);

    const outgoing = send(target, { method: request.method, headers, signal: request.signal }, (incoming) => {
      collect(incoming).then((bytes) => resolve(toResponse(incoming, bytes)), reject);
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });

function collect(incoming: IncomingMessage): Promise<Uint8Array<ArrayBuffer>> {
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    incoming.on('data', (chunk: Uint8Array) => {
      size += chunk.byteLength;
      if (size > MAX_RESPONSE_BYTES) {
        incoming.destroy(new Error(`response body larger than ${MAX_RESPONSE_BYTES} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    incoming.on('end', () => {
      const bytes = new Uint8Array(size);
      let offset = 0;
      for (const chunk of chunks) {
        bytes.set(chunk, offset);
        offset += chunk.byteLength;
      }
      resolve(bytes);
    });
    incoming.on('error', reject);
  });
}

function toResponse(incoming: IncomingMessage, bytes: Uint8Array<ArrayBuffer>): Response {
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  const status = incoming.statusCode ?? 500;
  return new Response(NULL_BODY_STATUSES.has(status) ? null : bytes, {
    status,
    statusText: incoming.statusMessage ?? '',
    headers,
  });
}

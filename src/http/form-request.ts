/**
 * Serves one request to a form-posting OAuth endpoint on `node:http`'s own
 * request and response: reads the body, hands the wire input to the
 * endpoint, writes its answer or the RFC 6749 §5.2 error. The direct
 * dispatcher (direct-dispatch.ts) calls it for live traffic; Fastify's routes
 * call it too, so `app.inject()` exercises the very same code.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyBaseLogger } from 'fastify';
import type { EndOfTurn } from './end-of-turn.ts';
import type { FormEndpoint } from './form-endpoints.ts';
import { writeOAuthError } from './oauth-error-reply.ts';
import { readRequestBody } from './read-body.ts';

export interface FormRequestContext {
  /** Largest accepted request body in bytes (413 beyond). */
  bodyLimitBytes: number;
  /** Take the client address from `X-Forwarded-For` (behind a proxy the operator runs). */
  trustProxy: boolean;
  /** The server's batch of answers written at the end of each event-loop turn. */
  endOfTurn: EndOfTurn;
}

export async function serveFormRequest(
  endpoint: FormEndpoint,
  request: IncomingMessage,
  response: ServerResponse,
  pathTenant: string | undefined,
  context: FormRequestContext,
  /** The request's logger, asked for only when there is something to log. */
  log: () => FastifyBaseLogger,
): Promise<void> {
  context.endOfTurn.requestArrived();
  try {
    const body = await readRequestBody(request, context.bodyLimitBytes);
    const url = request.url ?? '/';
    const queryStart = url.indexOf('?');
    const answer = await endpoint.respond({
      method: request.method ?? 'GET',
      query: queryStart === -1 ? '' : url.slice(queryStart + 1),
      contentType: request.headers['content-type'],
      authorization: request.headers.authorization,
      host: request.headers.host,
      body,
      remoteAddress: clientAddress(request, context.trustProxy),
      // The client closed the connection: nothing will read the answer.
      abandoned: () => request.socket?.destroyed === true,
      pathTenant,
    });
    // Answers go out together at the end of the turn (end-of-turn.ts says why); errors, rare, at once.
    await context.endOfTurn.answersDue();
    const text = answer.body ?? '';
    response.writeHead(200, { ...answer.headers, 'content-length': Buffer.byteLength(text) });
    response.end(text);
  } catch (error) {
    writeOAuthError(error, response, log, context.bodyLimitBytes);
  }
}

/**
 * The client's address as Fastify's `request.ip` gives it: with a trusted
 * proxy, the first (client-most) `X-Forwarded-For` entry.
 */
export function clientAddress(request: IncomingMessage, trustProxy: boolean): string | undefined {
  if (trustProxy) {
    const forwarded = request.headers['x-forwarded-for'];
    if (typeof forwarded === 'string') {
      // The client-most entry that is not empty, as proxy-addr (Fastify's) reads the header.
      for (const entry of forwarded.split(',')) {
        const address = entry.trim();
        if (address !== '') return address;
      }
    }
  }
  return request.socket?.remoteAddress;
}

/**
 * Serves one request to a form-posting OAuth endpoint on `node:http`'s own
 * request and response: reads the body, hands the wire input to the
 * endpoint, writes its answer or the RFC 6749 §5.2 error. The direct
 * dispatcher (direct-dispatch.ts) calls it for live traffic; Fastify's routes
 * call it too, so `app.inject()` exercises the very same code.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EndOfTurn } from './end-of-turn.ts';
import { writeFailure } from './errors/write-failure.ts';
import type { FormEndpoint } from './form-endpoints.ts';
import type { RequestContext } from './pipeline/request-context.ts';
import { REQUEST_ID_HEADER } from './pipeline/request-ids.ts';
import { readRequestBody } from './read-body.ts';
import { OAuthError } from '../core/errors.ts';

export interface FormRequestOptions {
  /** Largest accepted request body in bytes (413 beyond). */
  bodyLimitBytes: number;
  /** The server's batch of answers written at the end of each event-loop turn. */
  endOfTurn: EndOfTurn;
}

export async function serveFormRequest(
  endpoint: FormEndpoint,
  request: IncomingMessage,
  response: ServerResponse,
  pathTenant: string | undefined,
  context: RequestContext,
  options: FormRequestOptions,
): Promise<void> {
  options.endOfTurn.requestArrived();
  try {
    // Node keeps only the first Authorization header of a request that repeats it; two sets of credentials
    // are a malformed request (RFC 6749 §3.2.1 allows one authentication method per request), never the first.
    if (repeatsAuthorization(request.rawHeaders)) throw new OAuthError('invalid_request', 'The request has more than one Authorization header');
    const body = await readRequestBody(request, options.bodyLimitBytes);
    const url = request.url ?? '/';
    const queryStart = url.indexOf('?');
    const answer = await endpoint.respond({
      method: request.method ?? 'GET',
      query: queryStart === -1 ? '' : url.slice(queryStart + 1),
      contentType: request.headers['content-type'],
      authorization: request.headers.authorization,
      host: request.headers.host,
      body,
      remoteAddress: context.remoteAddress,
      // The connection is gone (reset, or destroyed): nothing will read the answer. A FIN alone is a
      // half-close, whose sender still reads: that request is answered (connections.ts).
      abandoned: () => request.socket?.destroyed === true,
      pathTenant,
      report: context.report,
      facts: context,
    });
    // Answers go out together at the end of the turn (end-of-turn.ts says why); errors, rare, at once.
    await options.endOfTurn.answersDue();
    const text = answer.body ?? '';
    response.writeHead(200, { ...answer.headers, 'content-length': Buffer.byteLength(text), [REQUEST_ID_HEADER]: context.id });
    response.end(text);
  } catch (error) {
    writeFailure(error, 'oauth', response, context, options.bodyLimitBytes, endpoint.route.errorDialect);
  }
}

/** Whether the raw header list (name, value, name, value…) names Authorization more than once. */
function repeatsAuthorization(rawHeaders: readonly string[]): boolean {
  let seen = false;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    if (name.length === 13 && name.toLowerCase() === 'authorization') {
      if (seen) return true;
      seen = true;
    }
  }
  return false;
}

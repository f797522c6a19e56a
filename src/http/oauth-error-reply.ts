/**
 * Writes any error raised on an OAuth endpoint as an RFC 6749 §5.2 JSON body,
 * through Fastify (metadata, JWKS, the 405 routes) or straight onto a
 * `node:http` response (the form-posting endpoints, see form-request.ts).
 * Framework errors (body too large, bad media type, aborted body) become
 * `invalid_request` with their own status; anything else is `server_error`,
 * logged with its detail and answered without it.
 */
import type { ServerResponse } from 'node:http';
import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify';
import { WorkAbandonedError } from '../core/crypto/work-limiter.ts';
import { OAuthError, toOAuthError } from '../core/errors.ts';
import { StoreUnavailableError } from '../core/ports/errors.ts';
import { NO_STORE_HEADERS } from './token-response.ts';

export function sendOAuthError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const oauth = classifyOAuthError(error, request.routeOptions.bodyLimit);
  logOAuthError(error, oauth, () => request.log);
  return reply.code(oauth.status).headers(oauthErrorHeaders(oauth)).send(JSON.stringify(oauth.toJSON()));
}

/** The same answer as {@link sendOAuthError}, for a response Tessera writes itself. */
export function writeOAuthError(error: unknown, response: ServerResponse, log: () => FastifyBaseLogger, bodyLimit: number): void {
  const oauth = classifyOAuthError(error, bodyLimit);
  logOAuthError(error, oauth, log);
  if (response.headersSent) {
    // Nothing sensible can follow a started response: end the exchange instead of corrupting it.
    response.destroy();
    return;
  }
  const body = JSON.stringify(oauth.toJSON());
  response.writeHead(oauth.status, { ...oauthErrorHeaders(oauth), 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

function oauthErrorHeaders(oauth: OAuthError): Record<string, string> {
  const headers: Record<string, string> = { ...NO_STORE_HEADERS, ...oauth.headers };
  if (oauth.code === 'temporarily_unavailable') headers['retry-after'] = '5';
  return headers;
}

function logOAuthError(error: unknown, oauth: OAuthError, log: () => FastifyBaseLogger): void {
  if (error instanceof WorkAbandonedError) {
    // The client closed the connection while its login waited for argon2: nobody reads this answer.
    log().info({ code: oauth.code, detail: error.message }, 'request abandoned by the client');
  } else if (oauth.status >= 500) {
    log().error({ err: oauth.detail ?? oauth.message, code: oauth.code }, 'request failed');
  } else if (oauth.detail !== undefined) {
    log().info({ code: oauth.code, detail: oauth.detail }, 'request refused');
  }
}

function classifyOAuthError(error: unknown, bodyLimit: number): OAuthError {
  if (error instanceof OAuthError) return error;
  if (error instanceof StoreUnavailableError) {
    return new OAuthError('temporarily_unavailable', 'The service is temporarily unavailable; retry later', { detail: error.message });
  }
  const status = (error as { statusCode?: number }).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const code = (error as { code?: string }).code;
    if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return new OAuthError('invalid_request', `The request body is larger than ${bodyLimit} bytes`, { status: 413 });
    }
    if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return new OAuthError('invalid_request', 'The Content-Type header is not a valid media type');
    }
    return new OAuthError('invalid_request', 'The request could not be read', { status, detail: code });
  }
  return toOAuthError(error);
}

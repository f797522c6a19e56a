/**
 * Writes any error raised on an OAuth endpoint as an RFC 6749 §5.2 JSON body.
 * Framework errors (body too large, bad media type, aborted body) become
 * `invalid_request` with their own status; anything else is `server_error`,
 * logged with its detail and answered without it.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { WorkAbandonedError } from '../core/crypto/work-limiter.ts';
import { OAuthError, toOAuthError } from '../core/errors.ts';
import { StoreUnavailableError } from '../store/errors.ts';
import { NO_STORE_HEADERS } from './token-response.ts';

export function sendOAuthError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const oauth = classify(error, request);
  if (error instanceof WorkAbandonedError) {
    // The client closed the connection while its login waited for argon2: nobody reads this answer.
    request.log.info({ code: oauth.code, detail: error.message }, 'request abandoned by the client');
  } else if (oauth.status >= 500) {
    request.log.error({ err: oauth.detail ?? oauth.message, code: oauth.code }, 'request failed');
  } else if (oauth.detail !== undefined) {
    request.log.info({ code: oauth.code, detail: oauth.detail }, 'request refused');
  }
  if (oauth.code === 'temporarily_unavailable') reply.header('retry-after', '5');
  return reply.code(oauth.status).headers(NO_STORE_HEADERS).headers(oauth.headers).send(JSON.stringify(oauth.toJSON()));
}

function classify(error: unknown, request: FastifyRequest): OAuthError {
  if (error instanceof OAuthError) return error;
  if (error instanceof StoreUnavailableError) {
    return new OAuthError('temporarily_unavailable', 'The service is temporarily unavailable; retry later', { detail: error.message });
  }
  const status = (error as { statusCode?: number }).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const code = (error as { code?: string }).code;
    if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return new OAuthError('invalid_request', `The request body is larger than ${request.routeOptions.bodyLimit} bytes`, { status: 413 });
    }
    if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return new OAuthError('invalid_request', 'The Content-Type header is not a valid media type');
    }
    return new OAuthError('invalid_request', 'The request could not be read', { status, detail: code });
  }
  return toOAuthError(error);
}

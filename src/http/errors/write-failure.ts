/**
 * Writes a classified failure (http-failure.ts) in the endpoint's own format
 * and logs it, onto a `node:http` response or through Fastify: the one writer
 * of error answers.
 *
 * - `oauth`: RFC 6749 §5.2 JSON, `Cache-Control: no-store`; on a token path
 *   whose dialect writes errors its own way (seed 002), with the code, status,
 *   description and member order that dialect gives.
 * - `problem`: RFC 9457 problem details, except for Bearer authentication
 *   failures, which keep RFC 6750's shape and challenge.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 * @see https://www.rfc-editor.org/rfc/rfc9457
 */
import type { ServerResponse } from 'node:http';
import type { FastifyBaseLogger, FastifyReply } from 'fastify';
import type { OAuthErrorDialect } from '../../config/dialect.ts';
import { NO_STORE_HEADERS } from '../token-response.ts';
import { classifyFailure, type HttpFailure } from './http-failure.ts';
import { REQUEST_ID_HEADER } from '../pipeline/request-ids.ts';

export type ErrorFormat = 'oauth' | 'problem';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

/** Bearer failures answered in RFC 6750's own shape wherever they happen. */
const BEARER_CODES = new Set(['invalid_token', 'insufficient_scope']);

export interface RenderedFailure {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export function renderFailure(failure: HttpFailure, format: ErrorFormat, dialect?: OAuthErrorDialect): RenderedFailure {
  const bearer = failure.code !== undefined && (BEARER_CODES.has(failure.code) || 'WWW-Authenticate' in failure.headers);
  if (format === 'oauth' && dialect !== undefined) return renderDialectError(failure, dialect);
  if (format === 'oauth' || bearer) {
    const body = JSON.stringify({ error: failure.code ?? 'invalid_request', error_description: failure.description });
    return { status: failure.status, headers: { ...NO_STORE_HEADERS, ...failure.headers }, body };
  }
  const problem = {
    type: failure.problem?.type ?? 'about:blank', title: failure.title, status: failure.status, detail: failure.description,
    ...(failure.field === undefined ? {} : { field: failure.field }), ...failure.problem?.members,
  };
  return { status: failure.status, headers: { 'cache-control': 'no-store', 'content-type': PROBLEM_CONTENT_TYPE, ...failure.headers }, body: JSON.stringify(problem) };
}

/** An RFC 6749 §5.2 answer as a vendor's dialect writes it: its code, status, wording and member order. */
function renderDialectError(failure: HttpFailure, dialect: OAuthErrorDialect): RenderedFailure {
  const code = failure.code ?? 'invalid_request';
  const rewrite = dialect.errors[code];
  const status = rewrite?.status ?? failure.status;
  const headers: Record<string, string> = { ...NO_STORE_HEADERS };
  for (const [name, value] of Object.entries(failure.headers)) {
    // A challenge belongs to a 401 (RFC 9110 §15.5.2); a vendor that answers otherwise sends none.
    if (status !== 401 && name.toLowerCase() === 'www-authenticate') continue;
    headers[name] = value;
  }
  const error = rewrite?.error ?? code;
  const description = rewrite?.description ?? failure.description;
  const body = dialect.errorFieldOrder === 'description-first'
    ? JSON.stringify({ error_description: description, error })
    : JSON.stringify({ error, error_description: description });
  return { status, headers, body };
}

/** Where a failure is told: the request's logger, and the code the metrics and activity counts read (the request context). */
export interface FailureSink {
  /** The request's id, which the answer carries. */
  readonly id: string;
  log(): FastifyBaseLogger;
  /** Set to the answer's OAuth `error` code (or `problem` for a problem without one). */
  errorCode: string | undefined;
}

export function logFailure(failure: HttpFailure, log: () => FastifyBaseLogger): void {
  if (failure.log === 'error') log().error({ err: failure.detail ?? failure.description, code: failure.code, status: failure.status }, 'request failed');
  else if (failure.log === 'info') log().info({ code: failure.code, status: failure.status, detail: failure.detail }, 'request refused');
}

/** Answers `error` on a response Tessera writes itself (the direct path); `dialect`: a token path's own error style. */
export function writeFailure(
  error: unknown,
  format: ErrorFormat,
  response: ServerResponse,
  sink: FailureSink,
  bodyLimit: number,
  dialect?: OAuthErrorDialect,
): void {
  const failure = classifyFailure(error, bodyLimit);
  sink.errorCode = failure.code ?? 'problem';
  logFailure(failure, sink.log);
  if (response.headersSent) {
    // Nothing sensible can follow a started response: end the exchange instead of corrupting it.
    response.destroy();
    return;
  }
  const { status, headers, body } = renderFailure(failure, format, dialect);
  response.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(body), [REQUEST_ID_HEADER]: sink.id });
  response.end(body);
}

/** Answers `error` through Fastify (a route's error handler). */
export function sendFailure(error: unknown, format: ErrorFormat, reply: FastifyReply, sink?: FailureSink, dialect?: OAuthErrorDialect): FastifyReply {
  const failure = classifyFailure(error, reply.request.routeOptions.bodyLimit ?? 0);
  if (sink !== undefined) sink.errorCode = failure.code ?? 'problem';
  logFailure(failure, () => reply.request.log);
  const { status, headers, body } = renderFailure(failure, format, dialect);
  return reply.code(status).headers(headers).send(body);
}

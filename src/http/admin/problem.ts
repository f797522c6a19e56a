/**
 * RFC 9457 problem details for the admin API: every 4xx/5xx that is not an
 * authentication failure (those follow RFC 6750) is a JSON problem naming,
 * where it can, the field at fault.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AdminError } from '../../admin/admin-error.ts';
import { OAuthError } from '../../core/errors.ts';
import { StoreUnavailableError } from '../../core/ports/errors.ts';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  field?: string;
}

export function sendProblem(reply: FastifyReply, problem: Problem, headers: Record<string, string> = {}): FastifyReply {
  return reply.code(problem.status).headers({ 'cache-control': 'no-store', ...headers }).type(PROBLEM_CONTENT_TYPE).send(problem);
}

/** The admin API's error handler. */
export function sendAdminError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof OAuthError && (error.status === 401 || error.status === 403 || error.code === 'invalid_request')) {
    // RFC 6750 §3: authentication failures keep the OAuth error shape and challenge.
    return reply.code(error.status).headers({ 'cache-control': 'no-store', ...error.headers }).send(error.toJSON());
  }
  if (error instanceof AdminError) return sendProblem(reply, error.toProblem() as unknown as Problem);
  if (error instanceof StoreUnavailableError) {
    return sendProblem(reply, { type: 'about:blank', title: 'Service Unavailable', status: 503, detail: 'The database is unavailable; retry later' }, { 'retry-after': '5' });
  }
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    const first = fastifyError.validation[0]!;
    const params = first.params as Record<string, unknown>;
    const path = first.instancePath.replace(/^\//, '').replaceAll('/', '.');
    const field = [params.additionalProperty, params.missingProperty].find((p) => typeof p === 'string') as string | undefined;
    const name = [path, field].filter((p) => p !== undefined && p !== '').join('.') || fastifyError.validationContext || 'request';
    const reason = params.additionalProperty !== undefined ? 'is not a known field' : first.message ?? 'is invalid';
    return sendProblem(reply, { type: 'about:blank', title: 'Invalid request', status: 400, detail: `${name}: ${reason}`, field: name });
  }
  if (fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return sendProblem(reply, { type: 'about:blank', title: 'Content Too Large', status: 413, detail: `The request body is larger than ${request.routeOptions.bodyLimit} bytes` });
  }
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return sendProblem(reply, { type: 'about:blank', title: 'Bad Request', status: fastifyError.statusCode, detail: fastifyError.message });
  }
  request.log.error({ err: error instanceof Error ? `${error.name}: ${error.message}` : String(error) }, 'admin request failed');
  return sendProblem(reply, { type: 'about:blank', title: 'Internal Server Error', status: 500, detail: 'The server could not process the request' });
}

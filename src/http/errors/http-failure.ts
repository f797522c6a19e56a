/**
 * The one classification of everything a request can fail with, into the
 * status, headers and public text to answer with and how to log it. The
 * endpoint's own format (RFC 6749 §5.2 JSON on the OAuth endpoints, RFC 9457
 * problems on the admin API) is applied when the answer is written
 * (write-failure.ts), so every endpoint, on either request path, classifies
 * the same failure the same way.
 */
import { AdminError } from '../../admin/admin-error.ts';
import { WorkAbandonedError, WorkQueueFullError } from '../../core/crypto/work-limiter.ts';
import { OAuthError, type OAuthErrorCode } from '../../core/errors.ts';
import { RateLimitedError, RateLimitUnavailableError } from '../../core/rate-limit/limiter.ts';
import { StoreConflictError, StoreUnavailableError, UnstorableValueError } from '../../core/ports/errors.ts';

export interface HttpFailure {
  status: number;
  headers: Readonly<Record<string, string>>;
  /**
   * The OAuth error code (RFC 6749 §5.2, RFC 6750 §3.1, RFC 7009), or
   * undefined for failures that have none (an admin API field check).
   */
  code: OAuthErrorCode | undefined;
  /** A short summary (a problem's `title`). */
  title: string;
  /** The public explanation: `error_description`, a problem's `detail`. */
  description: string;
  /** The request field at fault, when one is. */
  field?: string | undefined;
  /** Why, for the log; never sent. */
  detail?: string | undefined;
  /** `error`: a fault of the server, logged as one; `info`: a refusal worth a line; `none`: nothing to add. */
  log: 'error' | 'info' | 'none';
  /** An RFC 9457 problem type other than `about:blank`, and its extension members. */
  problem?: { type: string; members: Record<string, unknown> } | undefined;
}

/**
 * The problem type for a refused quota, with the policies it exceeded.
 * @see https://datatracker.ietf.org/doc/draft-ietf-httpapi-ratelimit-headers/ §5.1 Quota Exceeded
 */
export const QUOTA_EXCEEDED = 'https://iana.org/assignments/http-problem-types#quota-exceeded';

const TITLES: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 409: 'Conflict',
  413: 'Content Too Large', 414: 'URI Too Long', 415: 'Unsupported Media Type', 429: 'Too Many Requests', 431: 'Request Header Fields Too Large',
  500: 'Internal Server Error', 503: 'Service Unavailable',
};

export function statusTitle(status: number): string {
  return TITLES[status] ?? (status >= 500 ? 'Server Error' : 'Bad Request');
}

const RETRY_LATER = { 'retry-after': '5' };

/** A framework's own message, in the characters RFC 6749 §5.2 allows in a description (and short). */
function printable(message: unknown): string {
  if (typeof message !== 'string') return '';
  const clean = message.replace(/[^\x20-\x21\x23-\x5B\x5D-\x7E]/g, '?');
  return clean.length > 200 ? `${clean.slice(0, 200)}...` : clean;
}

function fromOAuth(error: OAuthError, log?: HttpFailure['log']): HttpFailure {
  const retry = error.code === 'temporarily_unavailable' && error.headers['retry-after'] === undefined ? RETRY_LATER : {};
  return {
    status: error.status,
    headers: { ...retry, ...error.headers },
    code: error.code,
    title: statusTitle(error.status),
    description: error.description,
    detail: error.detail,
    log: log ?? (error.status >= 500 ? 'error' : error.detail === undefined ? 'none' : 'info'),
  };
}

/** What `error`, thrown anywhere while serving a request, means for the answer. `bodyLimit` names the limit in a 413. */
export function classifyFailure(error: unknown, bodyLimit: number): HttpFailure {
  // Refusals by the rate limits and a rate-limit store that is away are reported by the limiter,
  // once per interval and once per outage: a flood must not become a flood of log lines.
  if (error instanceof RateLimitedError) {
    return { ...fromOAuth(error, 'none'), problem: { type: QUOTA_EXCEEDED, members: { 'violated-policies': [error.outcome.rule] } } };
  }
  if (error instanceof RateLimitUnavailableError) return fromOAuth(error, 'none');
  if (error instanceof OAuthError) return fromOAuth(error);
  if (error instanceof AdminError) {
    return { status: error.status, headers: {}, code: undefined, title: statusTitle(error.status), description: error.message, field: error.field, log: 'none' };
  }
  if (error instanceof StoreUnavailableError) {
    return fromOAuth(new OAuthError('temporarily_unavailable', 'The service is temporarily unavailable; retry later', { detail: error.message }));
  }
  if (error instanceof UnstorableValueError) {
    // The caller sent text no store keeps (U+0000, a lone surrogate, too long): its request, not the server, is at fault.
    return { status: 400, headers: {}, code: 'invalid_request', title: 'Bad Request', description: 'The request holds text that cannot be stored (U+0000, an unpaired surrogate, or too long)', detail: error.message, log: 'info' };
  }
  if (error instanceof StoreConflictError) {
    return { status: 409, headers: {}, code: undefined, title: 'Conflict', description: error.message, log: 'none' };
  }
  if (error instanceof WorkQueueFullError) {
    // The caller's share of password checks is spent: 429 tells it to slow down. The limiter's
    // periodic line counts these; one line per refusal would let a flood fill the log.
    return fromOAuth(new OAuthError('temporarily_unavailable', 'Too many sign-ins are being checked right now; retry shortly', {
      status: 429, detail: error.message, headers: { 'retry-after': '1' },
    }), 'none');
  }
  if (error instanceof WorkAbandonedError) {
    // Only the caller that left could read this; it is not a server fault.
    return fromOAuth(new OAuthError('temporarily_unavailable', 'The request was dropped before it was processed; retry', { detail: error.message }), 'info');
  }
  const framework = error as { statusCode?: unknown; code?: unknown; validation?: { instancePath: string; params: Record<string, unknown>; message?: string; parentSchema?: Record<string, unknown> }[]; validationContext?: string };
  if (Array.isArray(framework.validation) && framework.validation.length > 0) {
    const first = framework.validation[0]!;
    const path = first.instancePath.replace(/^\//, '').replaceAll('/', '.');
    const property = [first.params.additionalProperty, first.params.missingProperty].find((p) => typeof p === 'string') as string | undefined;
    const field = [path, property].filter((p) => p !== undefined && p !== '').join('.') || framework.validationContext || 'request';
    const declared = first.parentSchema?.['x-error'];
    const reason = first.params.additionalProperty !== undefined ? 'is not a known field' : typeof declared === 'string' ? declared : (first.message ?? 'is invalid');
    return { status: 400, headers: {}, code: 'invalid_request', title: 'Invalid request', description: `${field}: ${reason}`, field, log: 'none' };
  }
  if (typeof framework.statusCode === 'number' && framework.statusCode >= 400 && framework.statusCode < 500) {
    const status = framework.statusCode;
    const description =
      framework.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? `The request body is larger than ${bodyLimit} bytes`
        : framework.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 'The Content-Type header is not a valid media type'
          : printable((error as Error).message) || 'The request could not be read';
    return { status: framework.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 400 : status, headers: {}, code: 'invalid_request', title: statusTitle(status), description, detail: String(framework.code ?? ''), log: 'info' };
  }
  return {
    status: 500,
    headers: {},
    code: 'server_error',
    title: 'Internal Server Error',
    description: 'The server could not process the request.',
    detail: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    log: 'error',
  };
}

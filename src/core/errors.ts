/**
 * The one error type of the protocol core.
 *
 * Every failure the core reports to a client is an {@link OAuthError} with a
 * registered code, an HTTP status, a public description (safe to send) and an
 * optional private detail (logged, never sent). Anything thrown that is not an
 * `OAuthError` is a bug or an outage and is answered as `server_error` with a
 * generic description.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2 token endpoint errors
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3.1 Bearer errors
 * @see https://www.rfc-editor.org/rfc/rfc7009#section-2.2.1 revocation errors
 */

import { WorkAbandonedError, WorkQueueFullError } from './crypto/work-limiter.ts';

/** Error codes Tessera emits; the list is mirrored, and checked, in docs/errors.md. */
export const OAUTH_ERROR_CODES = [
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_scope',
  'invalid_token',
  'insufficient_scope',
  'unsupported_token_type',
  'server_error',
  'temporarily_unavailable',
] as const;

export type OAuthErrorCode = (typeof OAUTH_ERROR_CODES)[number];

const DEFAULT_STATUS: Record<OAuthErrorCode, number> = {
  invalid_request: 400,
  // RFC 6749 §5.2: "The authorization server MAY return an HTTP 401 ... If the
  // client attempted to authenticate via the "Authorization" request header
  // field, the authorization server MUST respond with an HTTP 401".
  // Tessera always answers 401 so clients see one status for one failure.
  invalid_client: 401,
  invalid_grant: 400,
  unauthorized_client: 400,
  unsupported_grant_type: 400,
  invalid_scope: 400,
  invalid_token: 401,
  insufficient_scope: 403,
  unsupported_token_type: 400,
  server_error: 500,
  temporarily_unavailable: 503,
};

export interface OAuthErrorOptions {
  /** HTTP status; defaults to the code's usual status. */
  status?: number;
  /** Server-side detail for logs. Never sent to the client; never a secret. */
  detail?: string;
  /** Extra response headers (for example `WWW-Authenticate`). */
  headers?: Record<string, string>;
}

export class OAuthError extends Error {
  readonly code: OAuthErrorCode;
  readonly status: number;
  /** Human-readable text sent as `error_description` (RFC 6749 §5.2: ASCII, no `"` or `\`). */
  readonly description: string;
  readonly detail: string | undefined;
  readonly headers: Record<string, string>;

  constructor(code: OAuthErrorCode, description: string, options: OAuthErrorOptions = {}) {
    super(`${code}: ${description}`);
    this.name = 'OAuthError';
    this.code = code;
    this.description = description;
    this.status = options.status ?? DEFAULT_STATUS[code];
    this.detail = options.detail;
    this.headers = options.headers ?? {};
  }

  /** The RFC 6749 §5.2 JSON body. */
  toJSON(): { error: OAuthErrorCode; error_description: string } {
    return { error: this.code, error_description: this.description };
  }
}

/**
 * Maps anything thrown to an `OAuthError`, hiding internals behind
 * `server_error`. A full argon2 queue is overload, not a fault: the client
 * may retry (`temporarily_unavailable`, 503 with Retry-After).
 */
export function toOAuthError(error: unknown): OAuthError {
  if (error instanceof OAuthError) return error;
  if (error instanceof WorkQueueFullError) {
    return new OAuthError('temporarily_unavailable', 'Too many sign-ins are being checked right now; retry shortly', { detail: error.message });
  }
  if (error instanceof WorkAbandonedError) {
    // Only the caller that left could read this; it is not a server fault.
    return new OAuthError('temporarily_unavailable', 'The request was dropped before it was processed; retry', { detail: error.message });
  }
  return new OAuthError('server_error', 'The server could not process the request.', {
    detail: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
  });
}

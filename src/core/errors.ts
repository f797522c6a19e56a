/**
 * The one error type of the protocol core.
 *
 * Every failure the core reports to a client is an {@link OAuthError} with a
 * registered code, an HTTP status, a public description (safe to send) and an
 * optional private detail (logged, never sent). What anything else thrown
 * means for an answer is the HTTP binding's one classifier
 * (src/http/errors/http-failure.ts): an outage or overload is 503, anything
 * unexpected a `server_error` with a generic description.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2 token endpoint errors
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3.1 Bearer errors
 * @see https://www.rfc-editor.org/rfc/rfc7009#section-2.2.1 revocation errors
 */

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

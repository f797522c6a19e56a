/**
 * The errors the client SDK throws.
 *
 * Every class here is built only from text that has already been scrubbed of
 * the request's secrets (see `redact.ts`), and none keeps a reference to the
 * request, the response body or a low-level `cause`, because those are exactly
 * the places a client secret, a password or a token would hide. Their own
 * enumerable properties are therefore safe to log and to `JSON.stringify`.
 *
 * @module
 */

/**
 * Base class of every error the SDK throws on purpose, so callers can tell them
 * apart from bugs with one `instanceof`.
 * @see docs/client.md#errors
 */
export class TesseraClientError extends Error {
  override name = 'TesseraClientError';
}

/**
 * A mistake in how the SDK was configured: a reserved parameter in `params`, a
 * GET-with-body dialect without a transport that can send it, a missing client
 * secret. Thrown when the token source is created (or, for per-call parameters,
 * when `getToken()` is called), never after a request has been sent.
 * @see docs/client.md#errors
 */
export class ClientConfigurationError extends TesseraClientError {
  override name = 'ClientConfigurationError';
}

/**
 * What a token endpoint said when it refused a request.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
export interface TokenEndpointErrorInit {
  /** The error code, lowercase snake_case (see `normaliseErrorCode` in error-response.ts). */
  readonly error: string;
  /** The code exactly as the vendor spelled it, when it sent one. */
  readonly rawError?: string | undefined;
  /** The vendor's human-readable description, secrets removed. */
  readonly errorDescription?: string | undefined;
  /** The vendor's `error_uri`, when it sent one. */
  readonly errorUri?: string | undefined;
  /** The HTTP status of the response. */
  readonly status: number;
}

/**
 * The token endpoint refused the request: an RFC 6749 §5.2 error response, or
 * any non-2xx answer, whatever its body (JSON in any key or value casing,
 * form-encoded, HTML, text or empty).
 *
 * `error` is the normalised code to branch on (`"Invalid_request"` becomes
 * `"invalid_request"`); when the body carried no recognisable code it is
 * `"unknown_error"` and `status` tells the rest.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
export class TokenEndpointError extends TesseraClientError {
  override name = 'TokenEndpointError';
  /** Normalised lowercase snake_case error code, e.g. `invalid_client`. */
  readonly error: string;
  /** The code as the vendor sent it (`Invalid_request`), or undefined. */
  readonly rawError: string | undefined;
  /** The vendor's description (`Invalid client_id`), secrets removed. */
  readonly errorDescription: string | undefined;
  /** The vendor's `error_uri`, if any. */
  readonly errorUri: string | undefined;
  /** HTTP status of the token endpoint's answer. */
  readonly status: number;

  constructor(init: TokenEndpointErrorInit) {
    const detail = init.errorDescription === undefined ? '' : `: ${init.errorDescription}`;
    super(`${init.error}${detail} (HTTP ${init.status})`);
    this.error = init.error;
    this.rawError = init.rawError;
    this.errorDescription = init.errorDescription;
    this.errorUri = init.errorUri;
    this.status = init.status;
  }

  /** A plain object for logs; the same fields `JSON.stringify` would see, plus the message. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      error: this.error,
      rawError: this.rawError,
      errorDescription: this.errorDescription,
      errorUri: this.errorUri,
      status: this.status,
    };
  }
}

/**
 * The token endpoint answered with a success status but the body is not a
 * usable token response: not JSON, not an object, no `access_token`, or a
 * field of an impossible type.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 */
export class InvalidTokenResponseError extends TesseraClientError {
  override name = 'InvalidTokenResponseError';
  /** HTTP status of the response (a 2xx). */
  readonly status: number;
  /** The response's Content-Type, which usually explains a non-JSON body. */
  readonly contentType: string | undefined;

  constructor(message: string, status: number, contentType: string | undefined) {
    super(message);
    this.status = status;
    this.contentType = contentType;
  }
}

/**
 * The token request never got an answer: the connection failed, it timed out,
 * or it was aborted. The message names the endpoint's origin and path only,
 * because a query-string dialect carries credentials in the rest of the URL.
 * @see docs/client.md#errors
 */
export class TokenRequestError extends TesseraClientError {
  override name = 'TokenRequestError';
  /** A low-level code such as `ECONNREFUSED` or `TIMEOUT`, when known. */
  readonly code: string | undefined;

  constructor(message: string, code: string | undefined) {
    super(message);
    this.code = code;
  }
}

/**
 * Authorization server metadata could not be fetched or is not valid RFC 8414
 * metadata for the issuer that was asked for.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-3.2
 */
export class DiscoveryError extends TesseraClientError {
  override name = 'DiscoveryError';
  /** HTTP status of the metadata response, when there was one. */
  readonly status: number | undefined;

  constructor(message: string, status?: number) {
    super(message);
    this.status = status;
  }
}

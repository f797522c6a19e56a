/**
 * Why a request to a protected resource was refused, with the status,
 * `WWW-Authenticate` challenge and JSON body to answer it with.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3.1
 */
import { bearerChallenge } from '../protocol/bearer-challenge.ts';

/**
 * RFC 6750 §3.1's codes, plus `temporarily_unavailable` for a verifier that
 * could not reach the issuer (JWKS or introspection): that is no fault of the
 * token, so it is answered 503 without a challenge and clients keep their token.
 */
export type BearerErrorCode = 'invalid_request' | 'invalid_token' | 'insufficient_scope' | 'temporarily_unavailable';

const STATUS: Record<BearerErrorCode, number> = {
  // §3.1: invalid_request "The resource server SHOULD respond with the HTTP 400 (Bad Request) status code."
  invalid_request: 400,
  // §3.1: invalid_token "The resource server SHOULD respond with the HTTP 401 (Unauthorized) status code."
  invalid_token: 401,
  // §3.1: insufficient_scope "The resource server SHOULD respond with the HTTP 403 (Forbidden) status code"
  insufficient_scope: 403,
  temporarily_unavailable: 503,
};

/** What to send back: a framework-neutral response. */
export interface BearerErrorResponse {
  status: number;
  headers: Record<string, string>;
  body: { error?: string; error_description: string };
}

export class BearerError extends Error {
  /** Undefined when the request carried no Bearer credentials at all (RFC 6750 §3.1 wants no code then). */
  readonly code: BearerErrorCode | undefined;
  readonly status: number;
  /** Sent as `error_description`. */
  readonly description: string;
  /** The scope the resource needs, for `insufficient_scope`. */
  readonly scope: readonly string[] | undefined;
  /** Why, for the resource server's logs; never sent. */
  readonly detail: string | undefined;

  constructor(code: BearerErrorCode | undefined, description: string, options: { scope?: readonly string[]; detail?: string } = {}) {
    super(code === undefined ? description : `${code}: ${description}`);
    this.name = 'BearerError';
    this.code = code;
    this.status = code === undefined ? 401 : STATUS[code];
    this.description = description;
    this.scope = options.scope;
    this.detail = options.detail;
  }

  /** The response for this error; `realm` names the protected resource in the challenge. */
  response(realm?: string): BearerErrorResponse {
    const headers: Record<string, string> = { 'cache-control': 'no-store', 'content-type': 'application/json; charset=utf-8' };
    if (this.code === 'temporarily_unavailable') {
      headers['retry-after'] = '5';
    } else {
      // §3: "If the protected resource request does not include authentication credentials or does not
      // contain an access token that enables access to the protected resource, the resource server MUST
      // include the HTTP "WWW-Authenticate" response header field". §3.1: when the request lacks any
      // authentication information, "the resource server SHOULD NOT include an error code".
      headers['www-authenticate'] = bearerChallenge({
        realm,
        scope: this.scope?.join(' '),
        error: this.code,
        error_description: this.code === undefined ? undefined : this.description,
      });
    }
    const body = this.code === undefined ? { error_description: this.description } : { error: this.code, error_description: this.description };
    return { status: this.status, headers, body };
  }
}

/**
 * How the client proves who it is to the token endpoint.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 * @module
 */
import { base64EncodeUtf8 } from './base64.ts';

/**
 * Client authentication methods, named as in the RFC 8414 / RFC 7591 registry
 * where one exists.
 *
 * - `client_secret_basic`: HTTP Basic exactly as RFC 6749 §2.3.1 says: the
 *   client id and secret are each `application/x-www-form-urlencoded` before
 *   being joined with `:` and Base64-encoded. What Tessera's own server expects.
 * - `client_secret_basic_raw`: HTTP Basic as most vendors document it (seeds
 *   000, 002, 003): Base64 of the plain `id:secret` (RFC 7617). Differs from
 *   the strict form only when the id or secret holds characters such as
 *   space, `+`, `%`, `:` or non-ASCII.
 * - `client_secret_post`: `client_id` and `client_secret` as body parameters,
 *   in whatever body format the dialect uses (form for seed 001, JSON for 004).
 * - `none`: no secret; `client_id` is sent as a body parameter if one is set
 *   (RFC 6749 §3.2.1 public clients).
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 * @see https://www.rfc-editor.org/rfc/rfc7617#section-2
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-2
 */
export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_basic_raw' | 'client_secret_post' | 'none';

/**
 * All {@link ClientAuthMethod} values, for validating untyped input.
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-2
 */
export const CLIENT_AUTH_METHODS: readonly ClientAuthMethod[] = [
  'client_secret_basic',
  'client_secret_basic_raw',
  'client_secret_post',
  'none',
];

/**
 * A client's identity. Leave both fields out for a grant that needs no client
 * authentication (some password-grant vendors, seed 003).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 */
export interface ClientCredentials {
  /** The client identifier (seed 000 calls it "username"). */
  readonly clientId?: string | undefined;
  /** The client secret (seed 000 calls it "password"). Never logged. */
  readonly clientSecret?: string | undefined;
}

/**
 * Encodes one value with the WHATWG `application/x-www-form-urlencoded`
 * serializer, which is the "encoding algorithm" RFC 6749 Appendix B refers to:
 * space becomes `+`, everything outside `*-._` and alphanumerics is
 * percent-encoded as UTF-8.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#appendix-B
 */
export function formUrlEncode(value: string): string {
  return new URLSearchParams([['', value]]).toString().slice(1);
}

/**
 * Builds the `Authorization: Basic` header value.
 *
 * "The client identifier is encoded using the application/x-www-form-urlencoded
 * encoding algorithm per Appendix B, and the encoded value is used as the
 * username; the client password is encoded using the same algorithm and used
 * as the password." (RFC 6749 §2.3.1) That is `strict`; `raw` skips the
 * form-encoding, as vendors that document "Base64 of username:password" expect.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 */
export function basicAuthorization(clientId: string, clientSecret: string, encoding: 'strict' | 'raw'): string {
  const pair = encoding === 'strict' ? `${formUrlEncode(clientId)}:${formUrlEncode(clientSecret)}` : `${clientId}:${clientSecret}`;
  return `Basic ${base64EncodeUtf8(pair)}`;
}

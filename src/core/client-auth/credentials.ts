/**
 * How a client presented its credentials. The HTTP binding extracts them from
 * the wire (Basic header, form body, JSON body); the core only checks them.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 */
export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none';

export interface ClientCredentials {
  method: ClientAuthMethod;
  clientId: string;
  /** Absent for `none` (public clients, seed 003 without Basic). */
  clientSecret?: string;
  /**
   * The same credentials before form-url-decoding, when decoding changed them:
   * many Basic clients send raw values although RFC 6749 §2.3.1 says to
   * encode. Tried only after the decoded pair fails.
   */
  raw?: { clientId: string; clientSecret: string };
}

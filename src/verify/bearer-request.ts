/**
 * The access token of a request to a protected resource, as a
 * {@link BearerError} when there is none that can be used. The reading
 * itself is the shared RFC 6750 reader in protocol/.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-2
 */
import { readBearerToken, type BearerRequest, type TokenExtractionOptions } from '../protocol/bearer-request.ts';
import { BearerError } from './bearer-error.ts';

export type { BearerRequest, HeaderSource, TokenExtractionOptions } from '../protocol/bearer-request.ts';

/** The access token a request carries, or the {@link BearerError} that says why it carries none that can be used. */
export function extractBearerToken(request: BearerRequest, options: TokenExtractionOptions = {}): string | BearerError {
  const token = readBearerToken(request, options);
  if (typeof token === 'string') return token;
  return new BearerError(token.code, token.description, token.detail === undefined ? {} : { detail: token.detail });
}

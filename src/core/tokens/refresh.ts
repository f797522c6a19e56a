/**
 * Refresh tokens: always opaque (they only ever come back to Tessera), 256
 * random bits behind a prefix and the issuance time (see storage-key.ts),
 * stored only under a hash with the grant they carry, their family and their
 * expiry.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-1.5
 */
import type { TokenWriter } from '../ports/tokens.ts';
import { timeOrderedToken, tokenStorageKey } from './storage-key.ts';

/** Prefix of refresh tokens ("Tessera refresh token"), distinct from access tokens' `tat_`. */
export const REFRESH_TOKEN_PREFIX = 'trt_';

export interface RefreshTokenGrant {
  tenantId: string;
  clientId: string;
  /** The user id. */
  subject: string;
  username: string | null;
  scope: readonly string[];
  accounts: readonly string[];
  familyId: string;
  /** ms */
  issuedAt: number;
  /** ms */
  expiresAt: number;
}

export async function issueRefreshToken(tokens: TokenWriter, grant: RefreshTokenGrant): Promise<string> {
  const token = timeOrderedToken(REFRESH_TOKEN_PREFIX, grant.issuedAt);
  await tokens.saveToken({ ...grant, hash: tokenStorageKey(token), kind: 'refresh', revokedAt: null });
  return token;
}

/**
 * Refresh tokens: always opaque (they only ever come back to Tessera), 256
 * random bits behind a prefix, stored only as their SHA-256 with the grant
 * they carry, their family and their expiry.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-1.5
 */
import { randomToken, sha256 } from '../crypto/random.ts';
import type { TokenStore } from '../../store/types.ts';

/** Prefix of refresh tokens ("Tessera refresh token"), distinct from access tokens' `tat_`. */
export const REFRESH_TOKEN_PREFIX = 'trt_';

export interface RefreshTokenGrant {
  tenantId: string;
  clientId: string;
  /** The user id. */
  subject: string;
  username: string | null;
  scope: string[];
  accounts: string[];
  familyId: string;
  /** ms */
  issuedAt: number;
  /** ms */
  expiresAt: number;
}

export async function issueRefreshToken(tokens: TokenStore, grant: RefreshTokenGrant): Promise<string> {
  const token = randomToken(REFRESH_TOKEN_PREFIX);
  await tokens.saveToken({ ...grant, hash: sha256(token), kind: 'refresh', revokedAt: null });
  return token;
}

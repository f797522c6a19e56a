/**
 * Opaque access tokens: 256 random bits behind a recognisable prefix and the
 * issuance time (see storage-key.ts). Only a hash of the token is stored,
 * with everything it grants and its expiry; a leaked database holds nothing a
 * client could present.
 */
import type { TokenWriter } from '../ports/tokens.ts';
import { timeOrderedToken } from './storage-key.ts';
import { accessTokenRecord, type AccessTokenGrant, type TokenStrategy } from './token-strategy.ts';

/** Prefix of opaque access tokens ("Tessera access token"). */
export const OPAQUE_ACCESS_TOKEN_PREFIX = 'tat_';

export function createOpaqueStrategy(tokens: TokenWriter): TokenStrategy {
  return {
    format: 'opaque',
    async issue(grant: AccessTokenGrant): Promise<string> {
      const token = timeOrderedToken(OPAQUE_ACCESS_TOKEN_PREFIX, grant.issuedAt);
      await tokens.saveToken(accessTokenRecord(token, grant));
      return token;
    },
  };
}

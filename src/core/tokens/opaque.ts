/**
 * Opaque access tokens: 256 random bits behind a recognisable prefix. Only the
 * SHA-256 of the token is stored, with everything it grants and its expiry;
 * a leaked database holds nothing a client could present.
 */
import { randomToken } from '../crypto/random.ts';
import type { TokenStore } from '../../store/types.ts';
import { accessTokenRecord, type AccessTokenGrant, type TokenStrategy } from './token-strategy.ts';

/** Prefix of opaque access tokens ("Tessera access token"). */
export const OPAQUE_ACCESS_TOKEN_PREFIX = 'tat_';

export function createOpaqueStrategy(tokens: TokenStore): TokenStrategy {
  return {
    format: 'opaque',
    async issue(grant: AccessTokenGrant): Promise<string> {
      const token = randomToken(OPAQUE_ACCESS_TOKEN_PREFIX);
      await tokens.saveToken(accessTokenRecord(token, grant));
      return token;
    },
  };
}

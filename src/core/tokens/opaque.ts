/**
 * Opaque access tokens: 256 random bits behind a recognisable prefix. Only the
 * SHA-256 of the token is stored, with everything it grants and its expiry;
 * a leaked database holds nothing a client could present.
 */
import { randomToken, sha256 } from '../crypto/random.ts';
import type { TokenStore } from '../../store/types.ts';
import type { AccessTokenGrant, TokenStrategy } from './token-strategy.ts';

/** Prefix of opaque access tokens ("Tessera access token"). */
export const OPAQUE_ACCESS_TOKEN_PREFIX = 'tat_';

export function createOpaqueStrategy(tokens: TokenStore): TokenStrategy {
  return {
    format: 'opaque',
    async issue(grant: AccessTokenGrant): Promise<string> {
      const token = randomToken(OPAQUE_ACCESS_TOKEN_PREFIX);
      await tokens.saveToken({
        hash: sha256(token),
        kind: 'access',
        tenantId: grant.tenant.id,
        clientId: grant.clientId,
        subject: grant.subject,
        scope: grant.scope,
        accounts: grant.accounts,
        issuedAt: grant.issuedAt,
        expiresAt: grant.expiresAt,
        revokedAt: null,
        familyId: grant.familyId,
        username: grant.username,
      });
      return token;
    },
  };
}

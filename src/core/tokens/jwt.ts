/**
 * JWT access tokens per RFC 9068, signed with the tenant's key. Resource
 * servers verify them locally against the tenant's JWKS.
 *
 * Tokens of user logins (those in a family) are also recorded in the token
 * store, like opaque tokens, under a hash (the JWT's plain SHA-256, see
 * storage-key.ts), so that revoking a family, the single-active-token policy
 * and introspection see them. A resource server that only checks the
 * signature cannot see a revocation before `exp`: keep JWT lifetimes short where that matters, or use opaque
 * tokens (as seed 003 does). Client-credentials JWTs are not recorded: they
 * are never revoked by these policies and stay free of a database write.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9068#section-2.2
 */
import { SignJWT } from 'jose';
import { randomBase64url } from '../crypto/random.ts';
import type { TokenStore } from '../../store/types.ts';
import { accessTokenRecord, type AccessTokenGrant, type TokenStrategy } from './token-strategy.ts';
import type { SigningKeys } from './signing-keys.ts';

/** RFC 9068 §2.1: "Resource servers MUST verify that the typ header value is at+jwt". */
export const JWT_ACCESS_TOKEN_TYPE = 'at+jwt';

export function createJwtStrategy(keys: SigningKeys, tokens: TokenStore): TokenStrategy {
  return {
    format: 'jwt',
    async issue(grant: AccessTokenGrant): Promise<string> {
      const active = await keys.activeKey(grant.tenant);
      const claims: Record<string, unknown> = {
        client_id: grant.clientId,
        tenant: grant.tenant.id,
      };
      // RFC 9068 §2.2.3: scope is a space-delimited string, present when scopes were granted.
      if (grant.scope.length > 0) claims.scope = grant.scope.join(' ');
      if (grant.accounts.length > 0) claims.accounts = grant.accounts;
      const jwt = await new SignJWT(claims)
        .setProtectedHeader({ alg: active.alg, typ: JWT_ACCESS_TOKEN_TYPE, kid: active.kid })
        .setIssuer(grant.tenant.issuer)
        .setSubject(grant.subject)
        .setAudience(grant.audience)
        .setIssuedAt(Math.floor(grant.issuedAt / 1000))
        .setExpirationTime(Math.floor(grant.expiresAt / 1000))
        .setJti(randomBase64url(16))
        .sign(active.key);
      if (grant.familyId !== null) {
        await tokens.saveToken(accessTokenRecord(jwt, grant));
      }
      return jwt;
    },
  };
}

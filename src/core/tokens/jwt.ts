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
 * The claims are assembled here and signed with jose's `CompactSign` rather
 * than its `SignJWT` builder: they are built from validated grant data, so
 * the builder's per-claim checks re-validated what cannot be wrong, at about
 * a quarter of the ES256 signing time (docs/benchmarks.md). Signatures start
 * together at the end of the event-loop turn (turn-batch.ts says why).
 *
 * @see https://www.rfc-editor.org/rfc/rfc9068#section-2.2
 */
import { CompactSign } from 'jose';
import { randomBase64url } from '../crypto/random.ts';
import { TurnBatch } from '../crypto/turn-batch.ts';
import type { TokenWriter } from '../ports/tokens.ts';
import { accessTokenRecord, type AccessTokenGrant, type TokenStrategy } from './token-strategy.ts';
import type { SigningKeys } from './signing-keys.ts';

const encoder = new TextEncoder();

/** RFC 9068 §2.1: "Resource servers MUST verify that the typ header value is at+jwt". */
export const JWT_ACCESS_TOKEN_TYPE = 'at+jwt';

export function createJwtStrategy(keys: SigningKeys, tokens: TokenWriter): TokenStrategy {
  const signatures = new TurnBatch();
  return {
    format: 'jwt',
    async issue(grant: AccessTokenGrant): Promise<string> {
      const active = await keys.activeKey(grant.tenant);
      // RFC 9068 §2.2's claims, in its order; `client_id` and `tenant` as Tessera's verifiers expect them.
      const claims: Record<string, unknown> = {
        iss: grant.tenant.issuer,
        exp: Math.floor(grant.expiresAt / 1000),
        aud: grant.audience,
        sub: grant.subject,
        client_id: grant.clientId,
        iat: Math.floor(grant.issuedAt / 1000),
        jti: randomBase64url(16),
        tenant: grant.tenant.id,
      };
      // RFC 9068 §2.2.3: scope is a space-delimited string, present when scopes were granted.
      if (grant.scope.length > 0) claims.scope = grant.scope.join(' ');
      if (grant.accounts.length > 0) claims.accounts = grant.accounts;
      const payload = encoder.encode(JSON.stringify(claims));
      const jwt = await signatures.run(() =>
        new CompactSign(payload).setProtectedHeader({ alg: active.alg, typ: JWT_ACCESS_TOKEN_TYPE, kid: active.kid }).sign(active.key),
      );
      if (grant.familyId !== null) {
        await tokens.saveToken(accessTokenRecord(jwt, grant));
      }
      return jwt;
    },
  };
}

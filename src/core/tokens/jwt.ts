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
 * the builder's per-claim checks re-validated what cannot be wrong, at a
 * large share of the signing time (docs/benchmarks.md). When a signature
 * is made is the injected `sign`'s to decide: the server starts a turn's
 * signatures together (runtime/turn.ts).
 *
 * @see https://www.rfc-editor.org/rfc/rfc9068#section-2.2
 */
import { CompactSign, type CompactJWSHeaderParameters, type CryptoKey } from 'jose';
import { accessTokenPayload } from '../../protocol/jwt-access-token.ts';
import { randomBase64url } from '../crypto/random.ts';
import type { TokenWriter } from '../ports/tokens.ts';
import { tokenIssuer, tokenTyp } from './jwt-profile.ts';
import { accessTokenRecord, type AccessTokenGrant, type TokenStrategy } from './token-strategy.ts';
import type { SigningKeys } from './signing-keys.ts';

const encoder = new TextEncoder();

/** Signs a JWS in compact form; the composition root decides when (it batches a turn's signatures). */
export type SignJws = (payload: Uint8Array, header: CompactJWSHeaderParameters, key: CryptoKey) => Promise<string>;

/** Signs at once, with jose's `CompactSign`. */
export const signJws: SignJws = (payload, header, key) => new CompactSign(payload).setProtectedHeader(header).sign(key);

export interface JwtStrategyDeps {
  keys: SigningKeys;
  tokens: TokenWriter;
  sign?: SignJws;
}

export function createJwtStrategy({ keys, tokens, sign = signJws }: JwtStrategyDeps): TokenStrategy {
  return {
    format: 'jwt',
    async issue(grant: AccessTokenGrant): Promise<string> {
      const { tenant } = grant;
      const active = await keys.activeKey(tenant);
      const payload = accessTokenPayload({
        issuer: tokenIssuer(tenant),
        expiresAt: grant.expiresAt,
        audience: [grant.audience],
        // A mapped subject is what the token says; the stored record keeps the user's id for revocation.
        subject: grant.mapped.subject ?? grant.subject,
        clientId: grant.clientId,
        issuedAt: grant.issuedAt,
        jwtId: randomBase64url(16),
        tenant: grant.tenant.id,
        scope: grant.scope,
        accounts: grant.accounts,
        username: grant.username ?? undefined,
      }, grant.mapped.claims);
      const typ = tokenTyp(tenant);
      const header: CompactJWSHeaderParameters = typ === undefined ? { alg: active.alg, kid: active.kid } : { alg: active.alg, typ, kid: active.kid };
      const jwt = await sign(encoder.encode(JSON.stringify(payload)), header, active.key);
      if (grant.familyId !== null) {
        await tokens.saveToken(accessTokenRecord(jwt, grant));
      }
      return jwt;
    },
  };
}

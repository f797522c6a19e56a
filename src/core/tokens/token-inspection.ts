/**
 * Reads a presented token, whatever its format, into what it grants: opaque
 * tokens (access `tat_`, refresh `trt_`, any stored kind) by their storage
 * key (a hash of the string, see storage-key.ts), JWT access tokens by their
 * signature against the tenant's published keys. Used by introspection and revocation.
 *
 * A JWT cannot be changed once issued, so revoking one stores a marker under
 * its hash, the way opaque tokens are stored; inspection reports it revoked.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7662#section-2.2
 * @see https://www.rfc-editor.org/rfc/rfc9068#section-4
 */
import { createLocalJWKSet, jwtVerify } from 'jose';
import { readAccessTokenClaims, REQUIRED_CLAIMS, type AccessTokenClaims } from '../../protocol/jwt-access-token.ts';
import { SIGNING_ALGORITHMS, type Tenant, type TokenFormat, type TokenRecord } from '../model.ts';
import type { TokenReader } from '../ports/tokens.ts';
import { acceptsTyp, tokenIssuer } from './jwt-profile.ts';
import type { SigningKeys } from './signing-keys.ts';
import { tokenStorageKey } from './storage-key.ts';

/** A token as Tessera understands it: its stored record, or one built from a JWT's claims. */
export interface InspectedToken extends Readonly<TokenRecord> {
  format: TokenFormat;
  /** JWT `aud`; empty for opaque tokens, whose audience is not recorded. */
  audience: readonly string[];
  /** JWT `jti`, when present. */
  jwtId: string | undefined;
}

export interface TokenInspectionDeps {
  tokens: TokenReader;
  keys: SigningKeys;
}

// Three base64url parts: a compact JWS. Opaque tokens (tat_…, trt_…) never contain a dot.
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * The token `presented` is, as far as `tenant` is concerned: undefined when
 * it is unknown, belongs to another tenant, or is a JWT whose signature,
 * type, issuer or expiry does not check out at `now`. Revoked and expired
 * opaque tokens are returned as stored; callers decide what they mean.
 */
export async function inspectToken(presented: string, tenant: Readonly<Tenant>, deps: TokenInspectionDeps, now: number): Promise<InspectedToken | undefined> {
  const hash = tokenStorageKey(presented);
  if (!COMPACT_JWS.test(presented)) {
    const record = await deps.tokens.findToken(hash);
    if (record === undefined || record.tenantId !== tenant.id) return undefined;
    return { ...record, format: 'opaque', audience: [], jwtId: undefined };
  }
  const claims = await verifiedClaims(presented, tenant, deps.keys, now);
  if (claims === undefined) return undefined;
  const marker = await deps.tokens.findToken(hash);
  return {
    hash,
    kind: 'access',
    format: 'jwt',
    tenantId: tenant.id,
    clientId: claims.clientId,
    subject: claims.subject,
    scope: claims.scope,
    accounts: claims.accounts,
    issuedAt: claims.issuedAt,
    expiresAt: claims.expiresAt,
    revokedAt: marker?.tenantId === tenant.id ? marker.revokedAt : null,
    familyId: null,
    username: claims.username ?? null,
    audience: claims.audience,
    jwtId: claims.jwtId,
  };
}

async function verifiedClaims(jwt: string, tenant: Readonly<Tenant>, keys: SigningKeys, now: number): Promise<AccessTokenClaims | undefined> {
  const jwks = createLocalJWKSet({ keys: await keys.publicKeys(tenant) });
  try {
    const { payload, protectedHeader } = await jwtVerify(jwt, jwks, {
      // RFC 9068 §4: "The resource server MUST validate the signature of all incoming JWT access tokens"
      // with the algorithms Tessera signs with; never `none`, never HMAC.
      algorithms: [...SIGNING_ALGORITHMS],
      // The issuer the tenant writes into its tokens (its URL, or the string it is configured with).
      issuer: tokenIssuer(tenant),
      requiredClaims: [...REQUIRED_CLAIMS],
      currentDate: new Date(now),
    });
    // §2.1's `typ` check, against the type the tenant issues (jwt-profile.ts).
    if (!acceptsTyp(tenant, protectedHeader.typ)) return undefined;
    const claims = readAccessTokenClaims(payload);
    return claims?.tenant === tenant.id ? claims : undefined;
  } catch {
    // A JWT that does not verify is, for this tenant, a token that does not exist.
    return undefined;
  }
}

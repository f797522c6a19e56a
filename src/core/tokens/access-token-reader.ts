/**
 * Reads an access token Tessera issued back into what it grants: opaque
 * tokens by their stored hash, JWTs by signature against the issuing tenant's
 * keys. Anything unknown, expired, revoked, malformed or signed by someone
 * else reads as `undefined`, without saying which.
 */
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import type { Clock } from '../clock.ts';
import { sha256 } from '../crypto/random.ts';
import { SIGNING_ALGORITHMS } from '../model.ts';
import type { TenantStore, TokenStore } from '../../store/types.ts';
import { JWT_ACCESS_TOKEN_TYPE } from './jwt.ts';
import { OPAQUE_ACCESS_TOKEN_PREFIX } from './opaque.ts';
import type { SigningKeys } from './signing-keys.ts';

export interface AccessTokenClaims {
  tenantId: string;
  clientId: string;
  subject: string;
  scope: string[];
  accounts: string[];
  username: string | null;
  /** ms since the epoch */
  issuedAt: number;
  /** ms since the epoch */
  expiresAt: number;
}

export type AccessTokenReader = (token: string) => Promise<AccessTokenClaims | undefined>;

export interface AccessTokenReaderDeps {
  tokens: TokenStore;
  tenants: TenantStore;
  keys: SigningKeys;
  clock: Clock;
}

export function createAccessTokenReader(deps: AccessTokenReaderDeps): AccessTokenReader {
  return async (token) => {
    if (token.startsWith(OPAQUE_ACCESS_TOKEN_PREFIX)) return readOpaque(token, deps);
    if (token.split('.').length === 3) return readJwt(token, deps);
    return undefined;
  };
}

async function readOpaque(token: string, deps: AccessTokenReaderDeps): Promise<AccessTokenClaims | undefined> {
  const record = await deps.tokens.findToken(sha256(token));
  if (record === undefined || record.kind !== 'access' || record.revokedAt !== null || record.expiresAt <= deps.clock()) return undefined;
  return {
    tenantId: record.tenantId,
    clientId: record.clientId,
    subject: record.subject,
    scope: record.scope,
    accounts: record.accounts,
    username: record.username,
    issuedAt: record.issuedAt,
    expiresAt: record.expiresAt,
  };
}

async function readJwt(token: string, deps: AccessTokenReaderDeps): Promise<AccessTokenClaims | undefined> {
  let tenantId: unknown;
  try {
    tenantId = decodeJwt(token).tenant;
  } catch {
    return undefined;
  }
  if (typeof tenantId !== 'string') return undefined;
  const tenant = await deps.tenants.getTenant(tenantId);
  if (tenant === undefined) return undefined;
  try {
    const { payload } = await jwtVerify(token, createLocalJWKSet({ keys: await deps.keys.publicKeys(tenant.id) }), {
      issuer: tenant.issuer,
      typ: JWT_ACCESS_TOKEN_TYPE,
      // Asymmetric algorithms only: a public key can never be misused as an HMAC secret.
      algorithms: [...SIGNING_ALGORITHMS],
      currentDate: new Date(deps.clock()),
      requiredClaims: ['exp', 'iat', 'sub', 'client_id'],
    });
    return {
      tenantId: tenant.id,
      clientId: String(payload.client_id),
      subject: payload.sub!,
      scope: typeof payload.scope === 'string' && payload.scope !== '' ? payload.scope.split(' ') : [],
      accounts: Array.isArray(payload.accounts) ? payload.accounts.map(String) : [],
      username: typeof payload.username === 'string' ? payload.username : null,
      issuedAt: payload.iat! * 1000,
      expiresAt: payload.exp! * 1000,
    };
  } catch {
    return undefined;
  }
}

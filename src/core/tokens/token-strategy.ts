/**
 * A token strategy mints access-token strings of one format. Grant handlers
 * decide *what* a token grants; strategies decide *how* it is represented
 * (fosite's handler/oauth2/strategy.go separates the two the same way).
 */
import type { Tenant, TokenFormat, TokenRecord } from '../model.ts';
import type { MappedClaims } from './claim-mapping.ts';
import { tokenStorageKey } from './storage-key.ts';

/** What an access token grants, independent of its format. */
export interface AccessTokenGrant {
  tenant: Tenant;
  clientId: string;
  /** `sub`: the client id for client credentials, the user id for user grants. */
  subject: string;
  scope: readonly string[];
  accounts: readonly string[];
  audience: string;
  /** ms since the epoch */
  issuedAt: number;
  /** ms since the epoch */
  expiresAt: number;
  /** The grant's token family (refresh rotation), or null. */
  familyId: string | null;
  /** The user's name for user grants, or null. */
  username: string | null;
  /** What the tenant's and client's claim mappers add (JWTs carry it; opaque tokens carry nothing). */
  mapped: MappedClaims;
}

export interface TokenStrategy {
  readonly format: TokenFormat;
  /** Mints (and, where the format needs it, persists) an access token. */
  issue(grant: AccessTokenGrant): Promise<string>;
}

/** The stored record of an access token: its storage key (a hash) and what it grants, never the token itself. */
export function accessTokenRecord(token: string, grant: AccessTokenGrant): TokenRecord {
  return {
    hash: tokenStorageKey(token),
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
  };
}

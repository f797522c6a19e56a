/**
 * Reads an access token presented to one of Tessera's own protected routes
 * (the admin API) back into what it grants. Unlike introspection, the caller
 * does not name a tenant: the token says which tenant issued it (an opaque
 * token's record, a JWT's `tenant` claim), and {@link inspectToken} then
 * checks it against that tenant's store and keys. Anything unknown, expired,
 * revoked, not an access token, or from a deleted or disabled client or user
 * reads as `undefined`, without saying which; what it grants is never more
 * than its client's current scopes (token-standing.ts).
 */
import { decodeJwt } from 'jose';
import type { Clock } from '../clock.ts';
import type { TenantReader } from '../ports/tenants.ts';
import { tokenStorageKey } from './storage-key.ts';
import { inspectToken, type InspectedToken, type TokenInspectionDeps } from './token-inspection.ts';
import { tokenStanding, type TokenStandingDeps } from './token-standing.ts';

export type AccessTokenReader = (token: string) => Promise<InspectedToken | undefined>;

export interface AccessTokenReaderDeps extends TokenInspectionDeps, TokenStandingDeps {
  tenants: TenantReader;
  clock: Clock;
}

export function createAccessTokenReader(deps: AccessTokenReaderDeps): AccessTokenReader {
  return async (token) => {
    const tenantId = await issuingTenant(token, deps);
    const tenant = tenantId === undefined ? undefined : await deps.tenants.getTenant(tenantId);
    if (tenant === undefined) return undefined;
    const now = deps.clock();
    const inspected = await inspectToken(token, tenant, deps, now);
    if (inspected === undefined || inspected.kind !== 'access' || inspected.revokedAt !== null || inspected.expiresAt <= now) return undefined;
    return tokenStanding(inspected, tenant, deps);
  };
}

/** The tenant a token claims to come from; verified afterwards by inspection. */
async function issuingTenant(token: string, deps: AccessTokenReaderDeps): Promise<string | undefined> {
  if (token.includes('.')) {
    try {
      const claim = decodeJwt(token).tenant;
      return typeof claim === 'string' ? claim : undefined;
    } catch {
      return undefined;
    }
  }
  return (await deps.tokens.findToken(tokenStorageKey(token)))?.tenantId;
}

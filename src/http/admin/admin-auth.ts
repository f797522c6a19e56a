/**
 * Who may call the admin API: a Bearer token Tessera issued, carrying an
 * admin scope.
 *
 * - scope `admin` on a token of the default tenant: administrator of every tenant;
 * - scope `admin` on a token of another tenant T: administrator of T only;
 * - scope `admin:T` on a token of the default tenant: administrator of T only.
 *
 * Failures follow RFC 6750: 401 `invalid_token` for a missing, unknown,
 * expired or revoked token, 403 `insufficient_scope` for a token without the
 * right scope, each with a `WWW-Authenticate: Bearer` challenge.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3.1
 */
import { OAuthError } from '../../core/errors.ts';
import type { AccessTokenReader } from '../../core/tokens/access-token-reader.ts';
import { bearerChallenge, parseBearerAuthorization } from '../parse/bearer-token.ts';
import type { ChangeContext } from '../../admin/audit.ts';

export const ADMIN_REALM = 'tessera-admin';
export const ADMIN_SCOPE = 'admin';

export interface AdminPrincipal extends ChangeContext {
  /** Every tenant, or only these. */
  tenants: 'all' | ReadonlySet<string>;
}

export async function authenticateAdmin(
  authorization: string | string[] | undefined,
  readToken: AccessTokenReader,
  defaultTenantId: string,
): Promise<AdminPrincipal> {
  const token = parseBearerAuthorization(authorization, ADMIN_REALM);
  const claims = await readToken(token);
  if (claims === undefined) {
    const error = new OAuthError('invalid_token', 'The access token is unknown, expired or revoked');
    throw new OAuthError('invalid_token', error.description, { headers: { 'WWW-Authenticate': bearerChallenge(ADMIN_REALM, error) } });
  }
  const actor = `client:${claims.tenantId}/${claims.clientId}`;
  const fromDefault = claims.tenantId === defaultTenantId;
  if (fromDefault && claims.scope.includes(ADMIN_SCOPE)) return { actor, tenants: 'all' };
  const tenants = new Set<string>();
  if (claims.scope.includes(ADMIN_SCOPE)) tenants.add(claims.tenantId);
  if (fromDefault) {
    for (const s of claims.scope) if (s.startsWith(`${ADMIN_SCOPE}:`)) tenants.add(s.slice(ADMIN_SCOPE.length + 1));
  }
  if (tenants.size === 0) throw insufficientScope('The access token has no admin scope', ADMIN_SCOPE);
  return { actor, tenants };
}

/** Throws 403 unless `principal` administers `tenantId`. */
export function requireTenantAccess(principal: AdminPrincipal, tenantId: string): void {
  if (principal.tenants === 'all' || principal.tenants.has(tenantId)) return;
  throw insufficientScope(`The access token does not administer tenant ${tenantId}`, `${ADMIN_SCOPE}:${tenantId}`);
}

/** Throws 403 unless `principal` administers every tenant. */
export function requireGlobalAccess(principal: AdminPrincipal): void {
  if (principal.tenants !== 'all') throw insufficientScope('Only an administrator of every tenant may do this', ADMIN_SCOPE);
}

export function canAccess(principal: AdminPrincipal, tenantId: string): boolean {
  return principal.tenants === 'all' || principal.tenants.has(tenantId);
}

function insufficientScope(description: string, scope: string): OAuthError {
  const error = new OAuthError('insufficient_scope', description);
  return new OAuthError('insufficient_scope', description, { headers: { 'WWW-Authenticate': bearerChallenge(ADMIN_REALM, error, scope) } });
}

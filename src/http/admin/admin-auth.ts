/**
 * Who may call the admin API: a Bearer token Tessera issued, carrying an
 * admin scope.
 *
 * - scope `admin` on a token of the default tenant: administrator of every tenant;
 * - scope `admin` on a token of another tenant T: administrator of T only;
 * - scope `admin:T` on a token of the default tenant: administrator of T only.
 *
 * Failures follow RFC 6750: 401 `invalid_token` for a missing, unknown,
 * expired or revoked token, 400 `invalid_request` for a malformed request
 * (two Authorization headers, a token in the query), 403 `insufficient_scope`
 * for a token without the right scope, each with a `WWW-Authenticate: Bearer`
 * challenge. The token is read by the one RFC 6750 reader `tessera/verify` uses too.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3.1
 */
import type { ChangeContext } from '../../admin/audit.ts';
import { OAuthError } from '../../core/errors.ts';
import type { AccessTokenReader } from '../../core/tokens/access-token-reader.ts';
import { bearerChallenge } from '../../protocol/bearer-challenge.ts';
import { readBearerToken, type BearerRequest } from '../../protocol/bearer-request.ts';

export const ADMIN_REALM = 'tessera-admin';
export const ADMIN_SCOPE = 'admin';

export interface AdminPrincipal extends ChangeContext {
  /** Every tenant, or only these. */
  tenants: 'all' | ReadonlySet<string>;
  /** The client the Bearer token was issued to. */
  client: { tenantId: string; clientId: string };
}

export async function authenticateAdmin(request: BearerRequest, readToken: AccessTokenReader, defaultTenantId: string): Promise<AdminPrincipal> {
  const token = readBearerToken(request);
  if (typeof token !== 'string') {
    // No Bearer credentials at all: 401 and a challenge without an error code (RFC 6750 §3.1).
    if (token.code === undefined) throw bearerFailure('invalid_token', token.description, false);
    throw bearerFailure('invalid_request', token.description);
  }
  const claims = await readToken(token);
  if (claims === undefined) throw bearerFailure('invalid_token', 'The access token is unknown, expired or revoked');
  const actor = `client:${claims.tenantId}/${claims.clientId}`;
  const client = { tenantId: claims.tenantId, clientId: claims.clientId };
  const fromDefault = claims.tenantId === defaultTenantId;
  if (fromDefault && claims.scope.includes(ADMIN_SCOPE)) return { actor, tenants: 'all', client };
  const tenants = new Set<string>();
  if (claims.scope.includes(ADMIN_SCOPE)) tenants.add(claims.tenantId);
  if (fromDefault) {
    for (const s of claims.scope) if (s.startsWith(`${ADMIN_SCOPE}:`)) tenants.add(s.slice(ADMIN_SCOPE.length + 1));
  }
  if (tenants.size === 0) throw bearerFailure('insufficient_scope', 'The access token has no admin scope', true, ADMIN_SCOPE);
  return { actor, tenants, client };
}

/** Throws 403 unless `principal` administers `tenantId`. */
export function requireTenantAccess(principal: AdminPrincipal, tenantId: string): void {
  if (principal.tenants === 'all' || principal.tenants.has(tenantId)) return;
  throw bearerFailure('insufficient_scope', `The access token does not administer tenant ${tenantId}`, true, `${ADMIN_SCOPE}:${tenantId}`);
}

/** Throws 403 unless `principal` administers every tenant. */
export function requireGlobalAccess(principal: AdminPrincipal, what = 'do this'): void {
  if (principal.tenants !== 'all') throw bearerFailure('insufficient_scope', `Only an administrator of every tenant may ${what}`, true, ADMIN_SCOPE);
}

/** Whether a scope list carries any admin power (`admin`, `admin:<tenant>`). */
export function carriesAdminScope(scopes: readonly string[] | undefined): boolean {
  return scopes?.some((s) => s === ADMIN_SCOPE || s.startsWith(`${ADMIN_SCOPE}:`)) ?? false;
}

/**
 * Throws 403 unless `principal` administers every tenant, when `scopes`
 * carry admin power. A principal never makes a client more powerful than
 * itself: `admin` on a default-tenant client is every tenant, and which
 * tenant an `admin:<tenant>` scope names is the creator's choice, so only an
 * administrator of every tenant creates, changes or re-keys such a client.
 */
export function requireGlobalForAdminScopes(principal: AdminPrincipal, scopes: readonly string[] | undefined, what: string): void {
  if (principal.tenants === 'all' || !carriesAdminScope(scopes)) return;
  throw bearerFailure('insufficient_scope', `Only an administrator of every tenant may ${what} a client with an admin scope`, true, ADMIN_SCOPE);
}

export function canAccess(principal: AdminPrincipal, tenantId: string): boolean {
  return principal.tenants === 'all' || principal.tenants.has(tenantId);
}

/** An RFC 6750 failure with its challenge; `withCode` false leaves the error out of the challenge. */
function bearerFailure(code: 'invalid_token' | 'invalid_request' | 'insufficient_scope', description: string, withCode = true, scope?: string): OAuthError {
  const challenge = bearerChallenge({
    realm: ADMIN_REALM,
    scope,
    error: withCode ? code : undefined,
    error_description: withCode ? description : undefined,
  });
  return new OAuthError(code, description, { headers: { 'WWW-Authenticate': challenge } });
}

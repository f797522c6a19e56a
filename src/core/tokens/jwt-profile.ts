/**
 * What a tenant's JWT access tokens say about their issuer and type, read in
 * one place by minting (jwt.ts) and inspection (token-inspection.ts), so a
 * token verifies exactly as it was made.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9068#section-2.1
 * @see https://www.rfc-editor.org/rfc/rfc7519#section-4.1.1 (`iss` is a StringOrURI)
 */
import { JWT_ACCESS_TOKEN_TYPE } from '../../protocol/jwt-access-token.ts';
import type { JwtProfile, Tenant } from '../model.ts';

export const DEFAULT_JWT_PROFILE: JwtProfile = Object.freeze({ issuer: null, typ: 'at+jwt', keyIds: 'thumbprint', claims: Object.freeze([]) });

/** A stored profile over the defaults, so members added later get their default on old rows. */
export function withJwtDefaults(stored: Partial<JwtProfile> | undefined | null): JwtProfile {
  return { ...DEFAULT_JWT_PROFILE, ...stored };
}

/** The `iss` of the tenant's tokens: its own string, or its issuer URL. */
export function tokenIssuer(tenant: Readonly<Tenant>): string {
  return tenant.jwt.issuer ?? tenant.issuer;
}

/** The JOSE header `typ` the tenant's tokens carry, or undefined for none. */
export function tokenTyp(tenant: Readonly<Tenant>): string | undefined {
  return tenant.jwt.typ === 'none' ? undefined : tenant.jwt.typ;
}

/**
 * Whether a verified token's header `typ` is one the tenant issues: its
 * configured one (absent for `none`), or RFC 9068's `at+jwt`, which names an
 * access token unambiguously and is what tokens made before a change of the
 * setting carry. Compared as jose compares (case-insensitively, without an
 * `application/` prefix).
 */
export function acceptsTyp(tenant: Readonly<Tenant>, typ: unknown): boolean {
  const normal = (t: string) => t.toLowerCase().replace(/^application\//, '');
  if (typ === undefined) return tenant.jwt.typ === 'none';
  if (typeof typ !== 'string') return false;
  return normal(typ) === JWT_ACCESS_TOKEN_TYPE || (tenant.jwt.typ !== 'none' && normal(typ) === normal(tenant.jwt.typ));
}

/**
 * Where Tessera's per-tenant endpoints live. Each is also served under
 * `/t/<tenant>`, so a tenant can be addressed by path as well as by the
 * `tenant` parameter or the Host header: a tenant whose issuer is
 * `https://auth.example.com/t/acme` finds every endpoint below its issuer.
 */
/** The advertised token endpoint path (RFC 8414 metadata names it). */
export const TOKEN_PATH = '/oauth/token';

export const ENDPOINT_PATHS = {
  token: TOKEN_PATH,
  introspection: '/oauth/introspect',
  revocation: '/oauth/revoke',
  jwks: '/.well-known/jwks.json',
  metadata: '/.well-known/oauth-authorization-server',
} as const;

/** Route prefix that names a tenant by path; its parameter is `tenant`. */
export const TENANT_PATH_PREFIX = '/t/:tenant';

/** A path and its tenant-prefixed twin. */
export function withTenantPrefix(path: string): [string, string] {
  return [path, `${TENANT_PATH_PREFIX}${path}`];
}

/** The tenant a `/t/<tenant>/…` route names, if the route has one. */
export function pathTenant(params: unknown): string | undefined {
  const tenant = (params as { tenant?: unknown } | undefined)?.tenant;
  return typeof tenant === 'string' ? tenant : undefined;
}

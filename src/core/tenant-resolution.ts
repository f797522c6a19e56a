/**
 * Which tenant a request is for: the `tenant` parameter (seed 001) first,
 * then the Host header, then the installation's default tenant.
 */
import { OAuthError } from './errors.ts';
import type { Tenant } from './model.ts';
import type { TenantReader } from './ports/tenants.ts';
import type { TenantHint } from './token-request.ts';

export async function resolveTenant(hint: TenantHint, tenants: TenantReader, defaultTenantId: string): Promise<Tenant> {
  if (hint.parameter !== undefined) {
    const tenant = await tenantNamed(hint.parameter, tenants);
    if (tenant === undefined) throw new OAuthError('invalid_request', 'Unknown tenant');
    return tenant;
  }
  if (hint.parameterRequired) throw new OAuthError('invalid_request', 'Missing required parameter: tenant');
  if (hint.host !== undefined) {
    const byHost = await tenants.findTenantByHost(hint.host);
    if (byHost !== undefined) return byHost;
  }
  const fallback = await tenants.getTenant(defaultTenantId);
  if (fallback === undefined) {
    throw new OAuthError('invalid_request', 'Unknown tenant', { detail: `default tenant '${defaultTenantId}' does not exist; run 'tessera init'` });
  }
  return fallback;
}

/**
 * The tenant a `tenant` parameter names: its id, or, since seed 001 calls the
 * parameter a "Tenant URL" (`example.com`), a URL form of a host the tenant is
 * known by (`https://example.com`, `https://example.com/`, `Example.COM`): the
 * host is matched against tenant ids and the tenants' `hosts`, the names the
 * operator gave, which select the tenant by the Host header anyway.
 */
export async function tenantNamed(name: string, tenants: TenantReader): Promise<Tenant | undefined> {
  const byId = await tenants.getTenant(name);
  if (byId !== undefined) return byId;
  const host = hostOf(name);
  if (host === undefined) return undefined;
  return (host === name ? undefined : await tenants.getTenant(host)) ?? (await tenants.findTenantByHost(host));
}

// A host name: labels of letters, digits and dashes, dot-separated, with an optional final dot.
const HOST = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.?$/;

/** The lowercase host of `https://host[:port][/]` or of a bare host name; undefined for anything else (paths, queries, credentials). */
function hostOf(name: string): string | undefined {
  let host = name.toLowerCase();
  if (/^https?:\/\//.test(host)) {
    if (!URL.canParse(host)) return undefined;
    const url = new URL(host);
    if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '' || (url.pathname !== '/' && url.pathname !== '')) return undefined;
    if (/[?#]$/.test(host)) return undefined;
    host = url.hostname;
  }
  if (!HOST.test(host)) return undefined;
  return host.endsWith('.') ? host.slice(0, -1) : host;
}

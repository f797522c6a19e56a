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
    const tenant = await tenants.getTenant(hint.parameter);
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

/**
 * The tenant a discovery request (metadata, JWKS) is about. These are plain
 * GETs a resource server makes, so the tenant comes from the path
 * (`/t/<tenant>/…`) first, then a `tenant` query parameter, the Host header,
 * and the default tenant, as the token endpoint resolves it.
 */
import type { FastifyRequest } from 'fastify';
import { OAuthError } from '../core/errors.ts';
import type { Tenant } from '../core/model.ts';
import { resolveTenant } from '../core/tenant-resolution.ts';
import type { TenantStore } from '../core/ports/tenants.ts';
import { pathTenant } from './endpoint-paths.ts';
import { parseForm } from './parse/form.ts';
import { hostName } from './parse/token-request-from-http.ts';

export async function discoveryTenant(request: FastifyRequest, tenants: TenantStore, defaultTenantId: string): Promise<Tenant> {
  const queryStart = request.url.indexOf('?');
  const query = parseForm(queryStart === -1 ? '' : request.url.slice(queryStart + 1));
  const named = pathTenant(request.params) ?? query.tenant;
  try {
    return await resolveTenant({ parameter: named, host: hostName(request.headers.host), parameterRequired: false }, tenants, defaultTenantId);
  } catch (error) {
    // A document about a tenant that does not exist is a document that does not exist.
    if (error instanceof OAuthError && error.code === 'invalid_request') {
      throw new OAuthError('invalid_request', 'Unknown tenant', { status: 404, detail: error.detail });
    }
    throw error;
  }
}

/**
 * Requests a client makes about tokens it holds (introspection, revocation)
 * follow the token endpoint's wire rules: a form body, client credentials by
 * Basic or in the body, and the tenant named as the token endpoint names it.
 * They share its request shape and its first two steps.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7662#section-2.1
 * @see https://www.rfc-editor.org/rfc/rfc7009#section-2.1
 */
import { authenticateClient, type ClientAuthenticationDeps } from './client-auth/authenticate-client.ts';
import { OAuthError } from './errors.ts';
import type { Client, Tenant } from './model.ts';
import { resolveTenant } from './tenant-resolution.ts';
import type { TokenRequest } from './token-request.ts';
import type { TenantReader } from './ports/tenants.ts';

export type ClientRequest = Pick<TokenRequest, 'params' | 'credentials' | 'tenantHint' | 'abandoned' | 'report' | 'remoteAddress' | 'facts'>;

export interface ClientRequestDeps extends ClientAuthenticationDeps {
  tenants: TenantReader;
  defaultTenantId: string;
}

export interface AuthenticatedTokenRequest {
  tenant: Tenant;
  client: Client;
  /** The `token` parameter. */
  token: string;
}

/** Resolves the tenant, authenticates the client, and reads the required `token` parameter. */
export async function authenticateTokenRequest(request: ClientRequest, deps: ClientRequestDeps): Promise<AuthenticatedTokenRequest> {
  const tenant = await resolveTenant(request.tenantHint, deps.tenants, deps.defaultTenantId);
  const { facts } = request;
  if (facts !== undefined) facts.tenantId = tenant.id;
  const client = await authenticateClient(tenant, request.credentials, deps, {
    abandoned: request.abandoned, report: request.report, remoteAddress: request.remoteAddress,
  });
  if (facts !== undefined) facts.clientId = client.id;
  const token = request.params.token;
  if (token === undefined) throw new OAuthError('invalid_request', 'Missing required parameter: token');
  return { tenant, client, token };
}

/**
 * The token endpoint as a short chain of named steps:
 * check grant_type → resolve tenant → authenticate client → check the grant is
 * allowed → let the grant decide → issue the tokens.
 *
 * Framework-free: takes a {@link TokenRequest}, returns a {@link TokenResult}
 * or throws an {@link OAuthError}.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.2
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5
 */
import { authenticateClient, basicChallenge, type ClientAuthenticationDeps } from './client-auth/authenticate-client.ts';
import type { Clock } from './clock.ts';
import { OAuthError } from './errors.ts';
import type { ResourceOwner } from './grants/grant-handler.ts';
import type { GrantRegistry } from './grants/registry.ts';
import { issueTokens, type TokenIssuingDeps } from './issue-tokens.ts';
import type { Client, Tenant } from './model.ts';
import { mustReturnScope } from './scope.ts';
import { resolveTenant } from './tenant-resolution.ts';
import type { TokenRequest } from './token-request.ts';
import type { ClientReader } from './ports/clients.ts';
import type { TenantReader } from './ports/tenants.ts';

/** A successful token response in domain terms; the HTTP binding writes the wire form. */
export interface TokenResult {
  accessToken: string;
  /** Seconds until expiry. */
  expiresIn: number;
  /** Present when RFC 6749 §5.1 requires it. */
  scope: readonly string[] | undefined;
  issuedAt: number;
  expiresAt: number;
  tenant: Tenant;
  client: Client;
  subject: string;
  /** Present when the grant issued one (RFC 6749 §5.1 `refresh_token`). */
  refreshToken?: string;
  /** The user, for user grants (seed 003's `userName`, `userId`, `role`). */
  user?: ResourceOwner;
}

export interface TokenEndpointDeps extends ClientAuthenticationDeps, TokenIssuingDeps {
  tenants: TenantReader;
  clients: ClientReader;
  grants: GrantRegistry;
  defaultTenantId: string;
  clock: Clock;
}

export type TokenEndpoint = (request: TokenRequest) => Promise<TokenResult>;

export function createTokenEndpoint(deps: TokenEndpointDeps): TokenEndpoint {
  return async function tokenEndpoint(request: TokenRequest): Promise<TokenResult> {
    const grantType = request.params.grant_type;
    if (grantType === undefined || grantType === '') {
      throw new OAuthError('invalid_request', 'Missing required parameter: grant_type');
    }
    const handler = deps.grants.get(grantType);
    if (handler === undefined) {
      throw new OAuthError('unsupported_grant_type', `Unsupported grant_type: ${printable(grantType)}`);
    }
    const { facts } = request;
    const tenant = await resolveTenant(request.tenantHint, deps.tenants, deps.defaultTenantId);
    if (facts !== undefined) {
      facts.tenantId = tenant.id;
      facts.grantType = handler.grantType;
    }
    const client = await authenticateClient(tenant, request.credentials, deps, {
      abandoned: request.abandoned, report: request.report, remoteAddress: request.remoteAddress,
    });
    if (facts !== undefined) facts.clientId = client.id;
    if (handler.confidentialClientsOnly && client.clientType === 'public') {
      throw new OAuthError('invalid_client', 'Client authentication is required', {
        headers: basicChallenge(tenant),
        detail: `public client ${client.id} cannot use ${handler.grantType}`,
      });
    }
    if (!client.grantTypes.includes(handler.grantType)) {
      throw new OAuthError('unauthorized_client', `The client is not allowed to use the ${handler.grantType} grant`);
    }
    const now = deps.clock();
    const decision = await handler.handle({ request, tenant, client, now });
    const issued = await issueTokens(deps, { tenant, client, decision, now });
    if (facts !== undefined) facts.tokenFormat = client.tokenFormat;
    return {
      accessToken: issued.accessToken,
      expiresIn: issued.expiresIn,
      scope: mustReturnScope(decision.requestedScope, decision.scope) ? decision.scope : undefined,
      issuedAt: now,
      expiresAt: issued.expiresAt,
      tenant,
      client,
      subject: decision.subject,
      refreshToken: issued.refreshToken,
      user: decision.user,
    };
  };
}

/** Echoes client input into a description only as short printable ASCII (RFC 6749 §5.2 restricts the charset). */
function printable(value: string): string {
  const clean = value.replace(/[^\x20-\x21\x23-\x5B\x5D-\x7E]/g, '?');
  return clean.length > 64 ? `${clean.slice(0, 64)}...` : clean;
}

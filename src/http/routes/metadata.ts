/**
 * Authorization server metadata, per tenant:
 * - `GET /.well-known/oauth-authorization-server` (tenant by Host, `tenant` query or default),
 * - `GET /.well-known/oauth-authorization-server/t/<tenant>`, where RFC 8414 §3.1 puts the
 *   metadata of an issuer `https://host/t/<tenant>`,
 * - `GET /t/<tenant>/.well-known/oauth-authorization-server`, where clients that append the
 *   well-known suffix to the issuer look.
 *
 * Every endpoint is advertised below the tenant's issuer, where `/t/<tenant>` or the tenant's
 * own host reaches it.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-2
 */
import type { FastifyInstance } from 'fastify';
import type { Discovery } from '../../core/discovery.ts';
import type { Tenant } from '../../core/model.ts';
import { discoveryHint } from '../discovery-tenant.ts';
import { ENDPOINT_PATHS, TENANT_PATH_PREFIX, withTenantPrefix } from '../endpoint-paths.ts';
import { routeConfig } from '../pipeline/fastify-pipeline.ts';
import type { RouteInfo } from '../pipeline/request-context.ts';

export const METADATA_MAX_AGE_SECONDS = 300;

const CLIENT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post'];

export function authorizationServerMetadata(tenant: Readonly<Tenant>, grantTypes: readonly string[]): Record<string, unknown> {
  const at = (path: string) => `${tenant.issuer}${path}`;
  return {
    // §3.3: "The "issuer" value returned MUST be identical to the authorization server's issuer identifier
    // value into which the well-known URI string was inserted to create the URL used to retrieve the metadata."
    issuer: tenant.issuer,
    token_endpoint: at(ENDPOINT_PATHS.token),
    jwks_uri: at(ENDPOINT_PATHS.jwks),
    // §2: "response_types_supported REQUIRED." Tessera has no authorization endpoint, so it supports none.
    response_types_supported: [],
    grant_types_supported: [...grantTypes],
    token_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
    introspection_endpoint: at(ENDPOINT_PATHS.introspection),
    introspection_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
    revocation_endpoint: at(ENDPOINT_PATHS.revocation),
    revocation_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
    // Not registered by RFC 8414 (§2 allows additional metadata): the JWS algorithm of JWT access tokens.
    access_token_signing_alg_values_supported: [tenant.signingAlg],
  };
}

export const METADATA_ROUTE: RouteInfo = { name: 'metadata', errorFormat: 'oauth', methods: ['GET'] };

/** Where the metadata is served: both tenant-prefixed forms as well as the plain one. */
export const METADATA_URLS: readonly string[] = [...withTenantPrefix(ENDPOINT_PATHS.metadata), `${ENDPOINT_PATHS.metadata}${TENANT_PATH_PREFIX}`];

export async function metadataRoutes(app: FastifyInstance, options: { discovery: Discovery }): Promise<void> {
  const { discovery } = options;
  for (const url of METADATA_URLS) {
    app.get(url, routeConfig(METADATA_ROUTE), async (request, reply) => {
      const tenant = await discovery.tenant(discoveryHint(request));
      return reply
        .header('cache-control', `public, max-age=${METADATA_MAX_AGE_SECONDS}`)
        .type('application/json; charset=utf-8')
        .send(JSON.stringify(authorizationServerMetadata(tenant, discovery.grantTypes)));
    });
  }
}

/**
 * What a tenant publishes about itself: which tenant a discovery request
 * (metadata, JWKS) is about, the grant types served, and the public halves of
 * its signing keys. The HTTP binding writes the wire documents.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-2
 * @see https://www.rfc-editor.org/rfc/rfc7517#section-5
 */
import type { JWK } from 'jose';
import { OAuthError } from './errors.ts';
import type { Tenant } from './model.ts';
import type { TenantReader } from './ports/tenants.ts';
import { resolveTenant } from './tenant-resolution.ts';
import type { TenantHint } from './token-request.ts';
import type { SigningKeys } from './tokens/signing-keys.ts';

/** JWK members that only private (or symmetric) keys have; never published. */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/** A JWK without any private member. */
export function publicOnly(jwk: JWK): JWK {
  return Object.fromEntries(Object.entries(jwk).filter(([name]) => !PRIVATE_MEMBERS.includes(name))) as JWK;
}

export interface DiscoveryDeps {
  tenants: TenantReader;
  keys: SigningKeys;
  defaultTenantId: string;
  /** The grant types this server dispatches. */
  grantTypes: readonly string[];
}

export interface Discovery {
  /** The tenant a discovery request names; 404 `invalid_request` for one that does not exist. */
  tenant(hint: Omit<TenantHint, 'parameterRequired'>): Promise<Readonly<Tenant>>;
  /** The tenant's published keys (RFC 7517 JWK Set members), generating its first key if it has none. */
  publicKeys(tenant: Readonly<Tenant>): Promise<JWK[]>;
  readonly grantTypes: readonly string[];
}

export function createDiscovery(deps: DiscoveryDeps): Discovery {
  return {
    grantTypes: deps.grantTypes,
    async tenant(hint) {
      try {
        return await resolveTenant({ ...hint, parameterRequired: false }, deps.tenants, deps.defaultTenantId);
      } catch (error) {
        // A document about a tenant that does not exist is a document that does not exist.
        if (error instanceof OAuthError && error.code === 'invalid_request') {
          throw new OAuthError('invalid_request', 'Unknown tenant', { status: 404, detail: error.detail });
        }
        throw error;
      }
    },
    async publicKeys(tenant) {
      // A tenant that never signed still has a key to publish: the one it will sign with.
      await deps.keys.activeKey(tenant);
      return (await deps.keys.publicKeys(tenant)).map(publicOnly);
    },
  };
}

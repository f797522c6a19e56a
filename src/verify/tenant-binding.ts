/**
 * The one tenant a verifier accepts tokens of. A verifier trusts one
 * issuer's keys, and one issuer is one Tessera tenant (issuers are unique
 * across tenants), so every token that verifies carries the same `tenant`
 * claim. Configured with `tenant`, that is the tenant; without it, the first
 * token that verifies (against the issuer's own keys, or by the issuer's own
 * introspection endpoint) fixes it, and a token naming any other tenant is
 * refused from then on: a verifier never mixes tenants, whatever the issuer
 * side later does.
 */
export interface TenantBinding {
  /** True when a token verified by the issuer and carrying `claim` belongs to the bound tenant (binding it if none is yet). */
  accepts(claim: string | undefined): boolean;
}

export function createTenantBinding(configured: string | undefined): TenantBinding {
  let bound = configured;
  return {
    accepts(claim) {
      if (typeof claim !== 'string') return false;
      bound ??= claim;
      return claim === bound;
    },
  };
}

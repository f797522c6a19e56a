/**
 * The composition root: wires a store, a clock and the protocol core into the
 * services the HTTP binding and the CLI use. Embedders call this too.
 */
import { SecretVerifier } from './core/client-auth/client-secrets.ts';
import { systemClock, type Clock } from './core/clock.ts';
import { createClientCredentialsGrant } from './core/grants/client-credentials.ts';
import { createPasswordGrant } from './core/grants/password.ts';
import { createRefreshTokenGrant } from './core/grants/refresh-token.ts';
import { GrantRegistry } from './core/grants/registry.ts';
import { createTokenEndpoint, type TokenEndpoint } from './core/token-endpoint.ts';
import { createJwtStrategy } from './core/tokens/jwt.ts';
import { createOpaqueStrategy } from './core/tokens/opaque.ts';
import { SigningKeys } from './core/tokens/signing-keys.ts';
import type { Store } from './store/types.ts';

export interface TesseraOptions {
  store: Store;
  /** The tenant used when a request names none (no `tenant` parameter, no matching Host). */
  defaultTenantId?: string;
  clock?: Clock;
}

export interface Tessera {
  store: Store;
  clock: Clock;
  defaultTenantId: string;
  keys: SigningKeys;
  grants: GrantRegistry;
  tokenEndpoint: TokenEndpoint;
}

export function createTessera(options: TesseraOptions): Tessera {
  const clock = options.clock ?? systemClock;
  const defaultTenantId = options.defaultTenantId ?? 'default';
  const store = options.store;
  const keys = new SigningKeys(store.keys, clock);
  const grants = new GrantRegistry([
    createClientCredentialsGrant(),
    createPasswordGrant({ users: store.users, lockouts: store.lockouts }),
    createRefreshTokenGrant({ tokens: store.tokens, users: store.users }),
  ]);
  const tokenEndpoint = createTokenEndpoint({
    tenants: store.tenants,
    clients: store.clients,
    secrets: new SecretVerifier(),
    grants,
    strategies: { opaque: createOpaqueStrategy(store.tokens), jwt: createJwtStrategy(keys, store.tokens) },
    tokens: store.tokens,
    defaultTenantId,
    clock,
  });
  return { store, clock, defaultTenantId, keys, grants, tokenEndpoint };
}

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
import { createIntrospectionEndpoint, type IntrospectionEndpoint } from './core/introspection.ts';
import { createRevocationEndpoint, type RevocationEndpoint } from './core/revocation.ts';
import { createTokenEndpoint, type TokenEndpoint } from './core/token-endpoint.ts';
import { createJwtStrategy } from './core/tokens/jwt.ts';
import { createOpaqueStrategy } from './core/tokens/opaque.ts';
import { SigningKeys, type SigningKeysOptions } from './core/tokens/signing-keys.ts';
import type { AuditStore } from './core/ports/audit.ts';
import type { Store } from './store/store.ts';
import { AccessNumberService } from './admin/access-numbers.ts';
import { ClientService } from './admin/clients.ts';
import { TenantService } from './admin/tenants.ts';
import { UserService } from './admin/users.ts';
import { KeyService } from './admin/keys.ts';
import { DEFAULT_KEY_PRE_PUBLICATION_SECONDS } from './core/tokens/key-schedule.ts';
import { createAccessTokenReader, type AccessTokenReader } from './core/tokens/access-token-reader.ts';

export interface TesseraOptions {
  store: Store;
  /** The tenant used when a request names none (no `tenant` parameter, no matching Host). */
  defaultTenantId?: string;
  clock?: Clock;
  /** Delay before a key rotated through the admin API signs; default 3600 s. */
  keyPrePublicationSeconds?: number;
  /** How signing keys are cached (how soon a rotation by another process is noticed). */
  keys?: SigningKeysOptions;
}

/** The management services the CLI and the admin API share. */
export interface AdminServices {
  tenants: TenantService;
  clients: ClientService;
  accessNumbers: AccessNumberService;
  users: UserService;
  keys: KeyService;
  audit: AuditStore;
  /** Delay before a key rotated through the admin API signs (config `keyPrePublicationSeconds`). */
  keyPrePublicationSeconds: number;
  /** Drops this process's cached signing keys of a tenant, after a rotation here. */
  forgetKeys(tenantId: string): void;
}

export interface Tessera {
  store: Store;
  clock: Clock;
  defaultTenantId: string;
  keys: SigningKeys;
  grants: GrantRegistry;
  tokenEndpoint: TokenEndpoint;
  introspectionEndpoint: IntrospectionEndpoint;
  revocationEndpoint: RevocationEndpoint;
  /** Reads back an access token this Tessera issued (for its own protected routes). */
  readAccessToken: AccessTokenReader;
  admin: AdminServices;
}

export function createTessera(options: TesseraOptions): Tessera {
  const clock = options.clock ?? systemClock;
  const defaultTenantId = options.defaultTenantId ?? 'default';
  const store = options.store;
  const keys = new SigningKeys(store.keys, clock, options.keys);
  const secrets = new SecretVerifier();
  const grants = new GrantRegistry([
    createClientCredentialsGrant(),
    createPasswordGrant({ users: store.users, lockouts: store.lockouts }),
    createRefreshTokenGrant({ tokens: store.tokens, users: store.users }),
  ]);
  const tokenEndpoint = createTokenEndpoint({
    tenants: store.tenants,
    clients: store.clients,
    secrets,
    grants,
    strategies: { opaque: createOpaqueStrategy(store.tokens), jwt: createJwtStrategy(keys, store.tokens) },
    tokens: store.tokens,
    defaultTenantId,
    clock,
  });
  const tokenDeps = { tenants: store.tenants, clients: store.clients, secrets, clock, defaultTenantId, tokens: store.tokens, keys };
  const introspectionEndpoint = createIntrospectionEndpoint(tokenDeps);
  const revocationEndpoint = createRevocationEndpoint(tokenDeps);
  const readAccessToken = createAccessTokenReader(tokenDeps);
  const admin: AdminServices = {
    tenants: new TenantService(store, clock),
    clients: new ClientService(store, clock),
    accessNumbers: new AccessNumberService(store, clock),
    users: new UserService(store, clock),
    keys: new KeyService(store, clock),
    audit: store.audit,
    keyPrePublicationSeconds: options.keyPrePublicationSeconds ?? DEFAULT_KEY_PRE_PUBLICATION_SECONDS,
    forgetKeys: (tenantId) => keys.forget(tenantId),
  };
  return { store, clock, defaultTenantId, keys, grants, tokenEndpoint, introspectionEndpoint, revocationEndpoint, readAccessToken, admin };
}

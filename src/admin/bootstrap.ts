/**
 * First-start set-up: the default tenant (so a fresh `tessera serve` answers)
 * and, for `tessera init`, an admin client whose secret is shown once.
 */
import type { TesseraConfig } from '../config/config.ts';
import type { Clock } from '../core/clock.ts';
import type { Tenant } from '../core/model.ts';
import type { Store } from '../store/store.ts';
import { AdminError } from './admin-error.ts';
import type { ChangeContext } from './audit.ts';
import { ClientService, type ClientWithSecret } from './clients.ts';
import { TenantService } from './tenants.ts';

/** The client `tessera init` creates; the admin API (issue 4) accepts its `admin` scope. */
export const ADMIN_CLIENT_ID = 'admin';
export const ADMIN_SCOPE = 'admin';

export function defaultIssuer(config: TesseraConfig): string {
  return config.publicUrl ?? `http://localhost:${config.port}`;
}

/**
 * Creates the default tenant if it does not exist; returns it either way.
 * Several processes starting together on one fresh database all find it
 * missing and all try to create it: the losers' conflict means it now exists.
 */
export async function ensureDefaultTenant(config: TesseraConfig, store: Store, clock: Clock, context: ChangeContext): Promise<{ tenant: Tenant; created: boolean }> {
  const existing = await store.tenants.getTenant(config.defaultTenant);
  if (existing !== undefined) return { tenant: existing, created: false };
  try {
    const tenant = await new TenantService(store, clock).create({ id: config.defaultTenant, issuer: defaultIssuer(config) }, context);
    return { tenant, created: true };
  } catch (error) {
    const winner = error instanceof AdminError && error.kind === 'conflict' ? await store.tenants.getTenant(config.defaultTenant) : undefined;
    if (winner === undefined) throw error;
    return { tenant: winner, created: false };
  }
}

export interface InitResult {
  tenant: Tenant;
  tenantCreated: boolean;
  /** Undefined when the admin client already existed (its secret is never shown again). */
  admin: ClientWithSecret | undefined;
}

export async function initialize(config: TesseraConfig, store: Store, clock: Clock, context: ChangeContext): Promise<InitResult> {
  const { tenant, created } = await ensureDefaultTenant(config, store, clock, context);
  if ((await store.clients.getClient(tenant.id, ADMIN_CLIENT_ID)) !== undefined) return { tenant, tenantCreated: created, admin: undefined };
  const admin = await new ClientService(store, clock).create({
    tenantId: tenant.id,
    id: ADMIN_CLIENT_ID,
    name: 'Tessera administrator',
    grantTypes: ['client_credentials'],
    scopes: [ADMIN_SCOPE],
  }, context);
  return { tenant, tenantCreated: created, admin };
}

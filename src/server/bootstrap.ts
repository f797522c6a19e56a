/**
 * First-start set-up: the default tenant (so a fresh `tessera serve` answers)
 * and, for `tessera init`, an admin client whose secret is shown once.
 */
import { AdminError } from '../admin/admin-error.ts';
import type { ChangeContext } from '../admin/audit.ts';
import type { ClientWithSecret } from '../admin/clients.ts';
import type { AdminServices } from '../admin/services.ts';
import type { TesseraConfig } from '../config/config.ts';
import type { Tenant } from '../core/model.ts';

/** The client `tessera init` creates, with the scope the admin API accepts as administrator of every tenant. */
export const ADMIN_CLIENT_ID = 'admin';
export const ADMIN_SCOPE = 'admin';

/** The server's own base URL as its issuers name it: `publicUrl`, or `http://localhost:<port>`. */
export function serverBaseUrl(config: Pick<TesseraConfig, 'publicUrl' | 'port'>): string {
  return config.publicUrl ?? `http://localhost:${config.port}`;
}

/**
 * The issuer a tenant gets when none is chosen: the server's base URL for
 * the default tenant, and `<base>/t/<id>` for the others, below which every
 * endpoint of the tenant answers (http/endpoint-paths.ts).
 */
export function serverIssuer(config: Pick<TesseraConfig, 'publicUrl' | 'port' | 'defaultTenant'>, tenantId: string): string {
  const base = serverBaseUrl(config);
  return tenantId === config.defaultTenant ? base : `${base}/t/${encodeURIComponent(tenantId)}`;
}

/**
 * Creates the default tenant if it does not exist; returns it either way.
 * Several processes starting together on one fresh database all find it
 * missing and all try to create it: the losers' conflict means it now exists.
 */
export async function ensureDefaultTenant(
  config: TesseraConfig,
  admin: AdminServices,
  context: ChangeContext,
): Promise<{ tenant: Readonly<Tenant>; created: boolean }> {
  const existing = await admin.tenants.find(config.defaultTenant);
  if (existing !== undefined) return { tenant: existing, created: false };
  try {
    const tenant = await admin.tenants.create({ id: config.defaultTenant, issuer: serverIssuer(config, config.defaultTenant), issuerFollowsServer: true }, context);
    return { tenant, created: true };
  } catch (error) {
    const winner = error instanceof AdminError && error.kind === 'conflict' ? await admin.tenants.find(config.defaultTenant) : undefined;
    if (winner === undefined) throw error;
    return { tenant: winner, created: false };
  }
}

/**
 * Gives every tenant whose issuer follows the server the issuer this
 * configuration makes (a start with another `publicUrl` or port); tenants
 * whose issuer an operator chose keep it. Returns the tenants changed.
 */
export async function followServerUrl(config: TesseraConfig, admin: AdminServices, context: ChangeContext): Promise<Readonly<Tenant>[]> {
  const changed: Readonly<Tenant>[] = [];
  for (const tenant of await admin.tenants.list()) {
    const issuer = serverIssuer(config, tenant.id);
    if (!tenant.issuerFollowsServer || tenant.issuer === issuer) continue;
    changed.push(await admin.tenants.followServer(tenant.id, issuer, context));
  }
  return changed;
}

export interface InitResult {
  tenant: Readonly<Tenant>;
  tenantCreated: boolean;
  /** Undefined when the admin client already existed (its secret is never shown again). */
  admin: ClientWithSecret | undefined;
}

export async function initialize(config: TesseraConfig, admin: AdminServices, context: ChangeContext): Promise<InitResult> {
  const { tenant, created } = await ensureDefaultTenant(config, admin, context);
  if ((await admin.clients.find(tenant.id, ADMIN_CLIENT_ID)) !== undefined) return { tenant, tenantCreated: created, admin: undefined };
  const client = await admin.clients.create(
    { tenantId: tenant.id, id: ADMIN_CLIENT_ID, name: 'Tessera administrator', grantTypes: ['client_credentials'], scopes: [ADMIN_SCOPE] },
    context,
  );
  return { tenant, tenantCreated: created, admin: client };
}

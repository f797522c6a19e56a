/**
 * Tenant management, shared by the CLI and the admin API.
 */
import type { Clock } from '../core/clock.ts';
import { SIGNING_ALGORITHMS, type Tenant } from '../core/model.ts';
import { StoreConflictError } from '../store/errors.ts';
import type { AuditStore, Page, PageQuery, TenantStore } from '../store/types.ts';
import { AdminError } from './admin-error.ts';
import { AuditLog, type ChangeContext } from './audit.ts';
import { requireInteger, requireList, requireOneOf, requireString, requireUrl, TENANT_ID } from './validate.ts';

/** Settings an operator may change after creation. */
export type TenantSettings = Pick<Tenant, 'issuer' | 'signingAlg' | 'accessTokenLifetime' | 'hosts'>;

export interface CreateTenantInput extends Partial<TenantSettings> {
  id: string;
  issuer: string;
}

export const MAX_TOKEN_LIFETIME = 366 * 24 * 3600;
/** Seed 000's lifetime, and a common default. */
export const DEFAULT_ACCESS_TOKEN_LIFETIME = 3600;

const SETTINGS: { [K in keyof TenantSettings]: (value: unknown) => TenantSettings[K] } = {
  issuer: (v) => requireUrl(v, 'issuer'),
  signingAlg: (v) => requireOneOf(v, 'signingAlg', SIGNING_ALGORITHMS),
  accessTokenLifetime: (v) => requireInteger(v, 'accessTokenLifetime', 1, MAX_TOKEN_LIFETIME),
  hosts: (v) => requireList(v, 'hosts', TENANT_ID, 'must be a host name').map((h) => h.toLowerCase()),
};

export class TenantService {
  readonly #tenants: TenantStore;
  readonly #audit: AuditLog;
  readonly #clock: Clock;

  constructor(store: { tenants: TenantStore; audit: AuditStore }, clock: Clock) {
    this.#tenants = store.tenants;
    this.#audit = new AuditLog(store.audit, clock);
    this.#clock = clock;
  }

  async create(input: CreateTenantInput, context: ChangeContext): Promise<Tenant> {
    const now = this.#clock();
    const tenant: Tenant = {
      id: requireString(input.id, 'id', TENANT_ID, 'must be a host name or id of letters, digits, dots and dashes'),
      issuer: SETTINGS.issuer(input.issuer),
      signingAlg: SETTINGS.signingAlg(input.signingAlg ?? 'ES256'),
      accessTokenLifetime: SETTINGS.accessTokenLifetime(input.accessTokenLifetime ?? DEFAULT_ACCESS_TOKEN_LIFETIME),
      hosts: SETTINGS.hosts(input.hosts ?? []),
      createdAt: now,
      updatedAt: now,
    };
    await conflictAsAdminError(() => this.#tenants.createTenant(tenant));
    await this.#audit.record(context, tenant.id, 'tenant.create', tenant.id, settingsOf(tenant));
    return tenant;
  }

  /** Applies the given settings only; others keep their values. */
  async update(id: string, patch: Partial<TenantSettings>, context: ChangeContext): Promise<Tenant> {
    const tenant = await this.get(id);
    const changed: Record<string, unknown> = {};
    for (const key of Object.keys(patch) as (keyof TenantSettings)[]) {
      if (!(key in SETTINGS)) throw new AdminError('invalid', 'is not a tenant setting', key);
      (tenant as unknown as Record<string, unknown>)[key] = SETTINGS[key](patch[key]);
      changed[key] = tenant[key];
    }
    tenant.updatedAt = this.#clock();
    await conflictAsAdminError(async () => {
      if (!(await this.#tenants.updateTenant(tenant))) throw notFound(id);
    });
    await this.#audit.record(context, id, 'tenant.update', id, changed);
    return tenant;
  }

  async get(id: string): Promise<Tenant> {
    const tenant = await this.#tenants.getTenant(id);
    if (tenant === undefined) throw notFound(id);
    return tenant;
  }

  list(): Promise<Tenant[]> {
    return this.#tenants.listTenants();
  }

  /** Tenants are few; paging happens over the ordered list. */
  async page(query: PageQuery): Promise<Page<Tenant>> {
    const all = await this.#tenants.listTenants();
    return { items: all.slice(query.offset, query.offset + query.limit), total: all.length };
  }
}

function settingsOf(t: Tenant): Record<string, unknown> {
  return { issuer: t.issuer, signingAlg: t.signingAlg, accessTokenLifetime: t.accessTokenLifetime, hosts: t.hosts };
}

function notFound(id: string): AdminError {
  return new AdminError('not_found', `tenant '${id}' does not exist`);
}

/** Runs a store write, reporting a uniqueness conflict as 409. */
export async function conflictAsAdminError<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof StoreConflictError) throw new AdminError('conflict', error.message);
    throw error;
  }
}

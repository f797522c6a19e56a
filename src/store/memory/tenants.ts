import type { AuditEntry, Tenant } from '../../core/model.ts';
import type { MemoryAuditStore } from './audit.ts';
import { StoreConflictError } from '../../core/ports/errors.ts';
import type { TenantStore } from '../../core/ports/tenants.ts';
import { copy, frozenCopy } from './copy.ts';

export class MemoryTenantStore implements TenantStore {
  readonly #tenants = new Map<string, Tenant>();
  readonly #audit: MemoryAuditStore;

  /** @param audit where each write's entry is appended, in the same synchronous step as the write */
  constructor(audit: MemoryAuditStore) {
    this.#audit = audit;
  }

  async getTenant(id: string): Promise<Tenant | undefined> {
    const tenant = this.#tenants.get(id);
    return tenant && frozenCopy((tenant));
  }

  async findTenantByHost(host: string): Promise<Tenant | undefined> {
    for (const tenant of this.#tenants.values()) if (tenant.hosts.includes(host)) return frozenCopy((tenant));
    return undefined;
  }

  async createTenant(tenant: Tenant, audit: AuditEntry): Promise<void> {
    if (this.#tenants.has(tenant.id)) throw new StoreConflictError(`tenant '${tenant.id}'`);
    for (const host of tenant.hosts) {
      if (this.#ownerOf(host) !== undefined) throw new StoreConflictError(`host '${host}'`);
    }
    this.#tenants.set(tenant.id, copy(tenant));
    this.#audit.append(audit);
  }

  async updateTenant(tenant: Tenant, audit: AuditEntry): Promise<boolean> {
    const stored = this.#tenants.get(tenant.id);
    if (stored === undefined) return false;
    for (const host of tenant.hosts) {
      const owner = this.#ownerOf(host);
      if (owner !== undefined && owner.id !== tenant.id) throw new StoreConflictError(`host '${host}'`);
    }
    const { keysRevision: _ignored, ...settings } = tenant;
    this.#tenants.set(tenant.id, copy({ ...settings, createdAt: stored.createdAt, ...(stored.keysRevision === undefined ? {} : { keysRevision: stored.keysRevision }) }));
    this.#audit.append(audit);
    return true;
  }

  /** Synchronous, so a write checks and changes in one step, as a transaction would. */
  #ownerOf(host: string): Tenant | undefined {
    for (const tenant of this.#tenants.values()) if (tenant.hosts.includes(host)) return tenant;
    return undefined;
  }

  /** What a key revocation does to the tenant's row (ports/keys.ts `revokeKey`). */
  raiseKeysRevision(id: string): void {
    const stored = this.#tenants.get(id);
    if (stored !== undefined) this.#tenants.set(id, { ...stored, keysRevision: (stored.keysRevision ?? 0) + 1 });
  }

  async listTenants(): Promise<Tenant[]> {
    return [...this.#tenants.values()].sort((a, b) => (a.id < b.id ? -1 : 1)).map(frozenCopy);
  }
}

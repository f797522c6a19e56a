/** Storage of tenants: what request handling reads, and what management writes. */
import type { AuditEntry, Tenant } from '../model.ts';

/** What resolving a request's tenant needs. Values are shared and read-only. */
export interface TenantReader {
  getTenant(id: string): Promise<Readonly<Tenant> | undefined>;
  /** The tenant whose `hosts` contains this host name (lowercase, no port). */
  findTenantByHost(host: string): Promise<Readonly<Tenant> | undefined>;
}

/**
 * The writes are management's, each audited: `audit` is appended to the audit
 * chain (ports/audit.ts) in the same transaction as the change; a write that
 * stores nothing (a conflict, a tenant that does not exist) appends nothing.
 */
export interface TenantStore extends TenantReader {
  /** @throws StoreConflictError when the id, or one of its hosts, exists. */
  createTenant(tenant: Tenant, audit: AuditEntry): Promise<void>;
  listTenants(): Promise<Readonly<Tenant>[]>;
  /** Replaces a tenant's settings and hosts (everything but `id` and `createdAt`); false when it does not exist. @throws StoreConflictError for a host another tenant owns. */
  updateTenant(tenant: Tenant, audit: AuditEntry): Promise<boolean>;
}

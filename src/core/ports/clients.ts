/** Storage of clients: what client authentication reads, and what management writes. */
import type { AuditEntry, Client } from '../model.ts';
import type { Page, PageQuery } from './paging.ts';

/** What authenticating a client needs. Values are shared and read-only. */
export interface ClientReader {
  getClient(tenantId: string, clientId: string): Promise<Readonly<Client> | undefined>;
}

/**
 * The writes are management's, each audited: `audit` is appended to the audit
 * chain (ports/audit.ts) in the same transaction as the change, so a change is
 * never stored without its entry, nor an entry without its change. A write
 * that stores nothing (a conflict, a client that does not exist) appends nothing.
 */
export interface ClientStore extends ClientReader {
  /** @throws StoreConflictError when the (tenant, id) pair exists. */
  createClient(client: Client, audit: AuditEntry): Promise<void>;
  /** Replaces the stored client; returns false when it does not exist. */
  updateClient(client: Client, audit: AuditEntry): Promise<boolean>;
  /** Returns false when it did not exist. */
  deleteClient(tenantId: string, clientId: string, audit: AuditEntry): Promise<boolean>;
  listClients(tenantId: string): Promise<Readonly<Client>[]>;
  /** A page of a tenant's clients ordered by id. */
  pageClients(tenantId: string, query: PageQuery): Promise<Page<Readonly<Client>>>;
}

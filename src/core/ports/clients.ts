/** Storage of clients: what client authentication reads, and what management writes. */
import type { Client } from '../model.ts';
import type { Page, PageQuery } from './paging.ts';

/** What authenticating a client needs. Values are shared and read-only. */
export interface ClientReader {
  getClient(tenantId: string, clientId: string): Promise<Readonly<Client> | undefined>;
}

export interface ClientStore extends ClientReader {
  /** @throws StoreConflictError when the (tenant, id) pair exists. */
  createClient(client: Client): Promise<void>;
  /** Replaces the stored client; returns false when it does not exist. */
  updateClient(client: Client): Promise<boolean>;
  /** Returns false when it did not exist. */
  deleteClient(tenantId: string, clientId: string): Promise<boolean>;
  listClients(tenantId: string): Promise<Readonly<Client>[]>;
  /** A page of a tenant's clients ordered by id. */
  pageClients(tenantId: string, query: PageQuery): Promise<Page<Readonly<Client>>>;
}

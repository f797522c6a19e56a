import type { AuditEntry, Client } from '../../core/model.ts';
import type { MemoryAuditStore } from './audit.ts';
import { StoreConflictError } from '../../core/ports/errors.ts';
import type { ClientStore } from '../../core/ports/clients.ts';
import type { Page, PageQuery } from '../../core/ports/paging.ts';
import { copy, frozenCopy } from './copy.ts';
import { pageOf } from './paging.ts';

const key = (tenantId: string, clientId: string) => `${tenantId}\u0000${clientId}`;

export class MemoryClientStore implements ClientStore {
  readonly #clients = new Map<string, Client>();
  readonly #audit: MemoryAuditStore;
  readonly #onDelete: ((tenantId: string, clientId: string) => void) | undefined;

  /**
   * @param audit where each write's entry is appended, in the same synchronous step as the write
   * @param onDelete told of a deleted client, to forget its records elsewhere (its lockout), as a foreign key would
   */
  constructor(audit: MemoryAuditStore, onDelete?: (tenantId: string, clientId: string) => void) {
    this.#audit = audit;
    this.#onDelete = onDelete;
  }

  async getClient(tenantId: string, clientId: string): Promise<Client | undefined> {
    const client = this.#clients.get(key(tenantId, clientId));
    return client && frozenCopy((client));
  }

  async createClient(client: Client, audit: AuditEntry): Promise<void> {
    const k = key(client.tenantId, client.id);
    if (this.#clients.has(k)) throw new StoreConflictError(`client '${client.id}'`);
    this.#clients.set(k, copy(client));
    this.#audit.append(audit);
  }

  async updateClient(client: Client, audit: AuditEntry): Promise<boolean> {
    const k = key(client.tenantId, client.id);
    if (!this.#clients.has(k)) return false;
    this.#clients.set(k, copy(client));
    this.#audit.append(audit);
    return true;
  }

  async deleteClient(tenantId: string, clientId: string, audit: AuditEntry): Promise<boolean> {
    const deleted = this.#clients.delete(key(tenantId, clientId));
    if (deleted) {
      this.#onDelete?.(tenantId, clientId);
      this.#audit.append(audit);
    }
    return deleted;
  }

  async listClients(tenantId: string): Promise<Client[]> {
    return this.#ordered(tenantId).map(frozenCopy);
  }

  async pageClients(tenantId: string, query: PageQuery): Promise<Page<Client>> {
    return pageOf(this.#ordered(tenantId), query, (c) => c.accounts);
  }

  #ordered(tenantId: string): Client[] {
    return [...this.#clients.values()].filter((c) => c.tenantId === tenantId).sort((a, b) => (a.id < b.id ? -1 : 1));
  }
}

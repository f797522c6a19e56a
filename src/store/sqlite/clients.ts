import type { DatabaseSync } from 'node:sqlite';
import type { AuditEntry, Client } from '../../core/model.ts';
import type { SqliteAuditChain } from './audit.ts';
import type { ClientStore } from '../../core/ports/clients.ts';
import type { Page, PageQuery } from '../../core/ports/paging.ts';
import { accountFilter, inTransaction, insertOrConflict } from './database.ts';
import type { ReadCache } from './read-cache.ts';
import { mapRow, type Row } from './rows.ts';
import { rateLimitColumn } from '../rows.ts';

export class SqliteClientStore implements ClientStore {
  readonly #db: DatabaseSync;
  readonly #audit: SqliteAuditChain;
  readonly #cache: ReadCache | undefined;
  readonly #get;
  readonly #insert;
  readonly #update;
  readonly #delete;
  readonly #list;
  readonly #page;
  readonly #count;

  /**
   * @param audit appends each write's entry in the write's transaction
   * @param cache optional coherent cache for the lookups on the token path (see read-cache.ts)
   */
  constructor(db: DatabaseSync, audit: SqliteAuditChain, cache?: ReadCache) {
    this.#db = db;
    this.#audit = audit;
    this.#cache = cache;
    this.#get = db.prepare('SELECT * FROM clients WHERE tenant_id = ? AND id = ?');
    this.#insert = db.prepare(`INSERT INTO clients (tenant_id, id, name, secrets, grant_types, scopes, accounts, token_format,
      access_token_lifetime, audience, client_type, single_active_token, attributes, claims, enabled, created_at, updated_at, rate_limit)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.#update = db.prepare(`UPDATE clients SET name = ?, secrets = ?, grant_types = ?, scopes = ?, accounts = ?, token_format = ?,
      access_token_lifetime = ?, audience = ?, client_type = ?, single_active_token = ?, attributes = ?, claims = ?, enabled = ?, updated_at = ?, rate_limit = ?
      WHERE tenant_id = ? AND id = ?`);
    this.#delete = db.prepare('DELETE FROM clients WHERE tenant_id = ? AND id = ?');
    this.#list = db.prepare('SELECT * FROM clients WHERE tenant_id = ? ORDER BY id');
    const where = `WHERE tenant_id = ? AND ${accountFilter('clients.accounts')}`;
    this.#page = db.prepare(`SELECT * FROM clients ${where} ORDER BY id LIMIT ? OFFSET ?`);
    this.#count = db.prepare(`SELECT COUNT(*) AS n FROM clients ${where}`);
  }

  async getClient(tenantId: string, clientId: string): Promise<Client | undefined> {
    const load = () => {
      const row = this.#get.get(tenantId, clientId) as Row | undefined;
      return row && mapRow.client(row);
    };
    return this.#cache ? this.#cache.get(`client\u0000${tenantId}\u0000${clientId}`, load) : load();
  }

  async createClient(c: Client, audit: AuditEntry): Promise<void> {
    this.#cache?.invalidate();
    inTransaction(this.#db, () => {
      insertOrConflict(`client '${c.id}'`, () =>
        this.#insert.run(
          c.tenantId, c.id, c.name, JSON.stringify(c.secrets), JSON.stringify(c.grantTypes), JSON.stringify(c.scopes),
          JSON.stringify(c.accounts), c.tokenFormat, c.accessTokenLifetime, c.audience, c.clientType, c.singleActiveToken ? 1 : 0,
          JSON.stringify(c.attributes), JSON.stringify(c.claims), c.enabled ? 1 : 0, c.createdAt, c.updatedAt, rateLimitColumn(c.rateLimit),
        ),
      );
      this.#audit.append(audit);
    });
  }

  async updateClient(c: Client, audit: AuditEntry): Promise<boolean> {
    this.#cache?.invalidate();
    return inTransaction(this.#db, () => {
      const result = this.#update.run(
        c.name, JSON.stringify(c.secrets), JSON.stringify(c.grantTypes), JSON.stringify(c.scopes), JSON.stringify(c.accounts),
        c.tokenFormat, c.accessTokenLifetime, c.audience, c.clientType, c.singleActiveToken ? 1 : 0, JSON.stringify(c.attributes),
        JSON.stringify(c.claims), c.enabled ? 1 : 0, c.updatedAt, rateLimitColumn(c.rateLimit), c.tenantId, c.id,
      );
      if (result.changes === 0) return false;
      this.#audit.append(audit);
      return true;
    });
  }

  async deleteClient(tenantId: string, clientId: string, audit: AuditEntry): Promise<boolean> {
    this.#cache?.invalidate();
    return inTransaction(this.#db, () => {
      if (this.#delete.run(tenantId, clientId).changes === 0) return false;
      this.#audit.append(audit);
      return true;
    });
  }

  async listClients(tenantId: string): Promise<Client[]> {
    return (this.#list.all(tenantId) as Row[]).map(mapRow.client);
  }

  async pageClients(tenantId: string, query: PageQuery): Promise<Page<Client>> {
    const accounts = query.accounts?.length ? JSON.stringify(query.accounts) : null;
    const items = (this.#page.all(tenantId, accounts, accounts, query.limit, query.offset) as Row[]).map(mapRow.client);
    const { n } = this.#count.get(tenantId, accounts, accounts) as { n: number };
    return { items, total: Number(n) };
  }
}

import type { DatabaseSync } from 'node:sqlite';
import type { AuditEntry, Tenant } from '../../core/model.ts';
import type { SqliteAuditChain } from './audit.ts';
import type { TenantStore } from '../../core/ports/tenants.ts';
import { inTransaction, insertOrConflict } from './database.ts';
import type { ReadCache } from './read-cache.ts';
import { mapRow, type Row } from './rows.ts';
import { rateLimitColumn } from '../rows.ts';

const SELECT = `SELECT t.*, (SELECT json_group_array(host) FROM tenant_hosts h WHERE h.tenant_id = t.id) AS hosts FROM tenants t`;

export class SqliteTenantStore implements TenantStore {
  readonly #db: DatabaseSync;
  readonly #audit: SqliteAuditChain;
  readonly #cache: ReadCache | undefined;
  readonly #get;
  readonly #byHost;
  readonly #insert;
  readonly #insertHost;
  readonly #list;
  readonly #update;
  readonly #deleteHosts;

  /**
   * @param audit appends each write's entry in the write's transaction
   * @param cache optional coherent cache for the lookups on the token path (see read-cache.ts)
   */
  constructor(db: DatabaseSync, audit: SqliteAuditChain, cache?: ReadCache) {
    this.#db = db;
    this.#audit = audit;
    this.#cache = cache;
    this.#get = db.prepare(`${SELECT} WHERE t.id = ?`);
    this.#byHost = db.prepare('SELECT tenant_id FROM tenant_hosts WHERE host = ?');
    this.#insert = db.prepare(
      `INSERT INTO tenants (id, issuer, signing_alg, access_token_lifetime, login_policy, cors_origins, issuer_follows_server, rate_limit, jwt_profile, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#update = db.prepare(
      'UPDATE tenants SET issuer = ?, signing_alg = ?, access_token_lifetime = ?, login_policy = ?, cors_origins = ?, issuer_follows_server = ?, rate_limit = ?, jwt_profile = ?, updated_at = ? WHERE id = ?',
    );
    this.#insertHost = db.prepare('INSERT INTO tenant_hosts (host, tenant_id) VALUES (?, ?)');
    this.#list = db.prepare(`${SELECT} ORDER BY t.id`);
    this.#deleteHosts = db.prepare('DELETE FROM tenant_hosts WHERE tenant_id = ?');
  }

  async getTenant(id: string): Promise<Tenant | undefined> {
    const load = () => {
      const row = this.#get.get(id) as Row | undefined;
      return row && mapRow.tenant(row);
    };
    return this.#cache ? this.#cache.get(`tenant\u0000${id}`, load) : load();
  }

  async findTenantByHost(host: string): Promise<Tenant | undefined> {
    const load = () => this.#byHost.get(host) as { tenant_id: string } | undefined;
    const row = this.#cache ? this.#cache.get(`host\u0000${host}`, load) : load();
    return row && this.getTenant(row.tenant_id);
  }

  async createTenant(t: Tenant, audit: AuditEntry): Promise<void> {
    this.#cache?.invalidate();
    inTransaction(this.#db, () => {
      insertOrConflict(`tenant '${t.id}'`, () => this.#insert.run(t.id, t.issuer, t.signingAlg, t.accessTokenLifetime, JSON.stringify(t.loginPolicy), JSON.stringify(t.corsOrigins), t.issuerFollowsServer ? 1 : 0, rateLimitColumn(t.rateLimit), JSON.stringify(t.jwt), t.createdAt, t.updatedAt));
      for (const host of t.hosts) insertOrConflict(`host '${host}'`, () => this.#insertHost.run(host, t.id));
      this.#audit.append(audit);
    });
  }

  async updateTenant(t: Tenant, audit: AuditEntry): Promise<boolean> {
    this.#cache?.invalidate();
    return inTransaction(this.#db, () => {
      const row = [t.issuer, t.signingAlg, t.accessTokenLifetime, JSON.stringify(t.loginPolicy), JSON.stringify(t.corsOrigins), t.issuerFollowsServer ? 1 : 0, rateLimitColumn(t.rateLimit), JSON.stringify(t.jwt), t.updatedAt, t.id] as const;
      if (this.#update.run(...row).changes === 0) return false;
      this.#deleteHosts.run(t.id);
      for (const host of t.hosts) insertOrConflict(`host '${host}'`, () => this.#insertHost.run(host, t.id));
      this.#audit.append(audit);
      return true;
    });
  }

  async listTenants(): Promise<Tenant[]> {
    return (this.#list.all() as Row[]).map(mapRow.tenant);
  }
}

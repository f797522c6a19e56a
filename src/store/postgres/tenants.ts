import type { AuditEntry, Tenant } from '../../core/model.ts';
import { appendAuditIn } from './audit.ts';
import type { TenantStore } from '../../core/ports/tenants.ts';
import { insertOrConflict, statement, type PostgresDatabase } from './database.ts';
import { mapRow, TENANT_COLUMNS, type Row } from './rows.ts';
import { rateLimitColumn } from '../rows.ts';
import { deepFreeze } from '../read-only-fields.ts';
import type { PostgresReadCache } from './read-cache.ts';

// Hosts come along as a sorted array, so one query reads a whole tenant.
const SELECT = `SELECT ${TENANT_COLUMNS}, keys_revision,
  coalesce((SELECT array_agg(h.host ORDER BY h.host) FROM tenant_hosts h WHERE h.tenant_id = t.id), '{}') AS hosts FROM tenants t`;

const GET = statement('tenants.get', `${SELECT} WHERE t.id = $1`);
const BY_HOST = statement('tenants.by-host', `${SELECT} WHERE t.id = (SELECT tenant_id FROM tenant_hosts WHERE host = $1)`);
const LIST = statement('tenants.list', `${SELECT} ORDER BY t.id`);
const INSERT = statement('tenants.insert', `INSERT INTO tenants (${TENANT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`);
const INSERT_HOST = statement('tenants.insert-host', 'INSERT INTO tenant_hosts (host, tenant_id) VALUES ($1, $2)');
const UPDATE = statement(
  'tenants.update',
  'UPDATE tenants SET issuer = $2, signing_alg = $3, access_token_lifetime = $4, login_policy = $5, cors_origins = $6, issuer_follows_server = $7, updated_at = $8, rate_limit = $9, jwt_profile = $10 WHERE id = $1',
);
const DELETE_HOSTS = statement('tenants.delete-hosts', 'DELETE FROM tenant_hosts WHERE tenant_id = $1');

export class PostgresTenantStore implements TenantStore {
  readonly #db: PostgresDatabase;
  readonly #cache: PostgresReadCache | undefined;

  /** @param cache optional coherent cache for the lookups on the token path (see read-cache.ts) */
  constructor(db: PostgresDatabase, cache?: PostgresReadCache) {
    this.#db = db;
    this.#cache = cache;
  }

  async getTenant(id: string): Promise<Tenant | undefined> {
    return this.#read(`tenant\u0000${id}`, GET, [id]);
  }

  async findTenantByHost(host: string): Promise<Tenant | undefined> {
    return this.#read(`host\u0000${host}`, BY_HOST, [host]);
  }

  async #read(key: string, query: typeof GET, values: unknown[]): Promise<Tenant | undefined> {
    const load = async () => {
      const row = (await this.#db.query<Row>(query, values)).rows[0];
      return row && deepFreeze(mapRow.tenant(row));
    };
    return this.#cache ? this.#cache.get(key, load) : load();
  }

  async createTenant(t: Tenant, audit: AuditEntry): Promise<void> {
    await this.#invalidating(() => this.#create(t, audit));
  }

  async updateTenant(t: Tenant, audit: AuditEntry): Promise<boolean> {
    return this.#invalidating(() => this.#update(t, audit));
  }

  /** A write, with the cache around it (read-cache.ts). */
  #invalidating<T>(write: () => Promise<T>): Promise<T> {
    return this.#cache ? this.#cache.writing(write) : write();
  }

  async #create(t: Tenant, audit: AuditEntry): Promise<void> {
    await this.#db.transaction(async (tx) => {
      await insertOrConflict(tx, `tenant '${t.id}'`, INSERT, [t.id, t.issuer, t.signingAlg, t.accessTokenLifetime, JSON.stringify(t.loginPolicy), [...t.corsOrigins], t.issuerFollowsServer, rateLimitColumn(t.rateLimit), JSON.stringify(t.jwt), t.createdAt, t.updatedAt]);
      for (const host of t.hosts) await insertOrConflict(tx, `host '${host}'`, INSERT_HOST, [host, t.id]);
      await appendAuditIn(tx, audit);
    });
  }

  async #update(t: Tenant, audit: AuditEntry): Promise<boolean> {
    return this.#db.transaction(async (tx) => {
      const updated = await tx.query(UPDATE, [t.id, t.issuer, t.signingAlg, t.accessTokenLifetime, JSON.stringify(t.loginPolicy), [...t.corsOrigins], t.issuerFollowsServer, t.updatedAt, rateLimitColumn(t.rateLimit), JSON.stringify(t.jwt)]);
      if ((updated.rowCount ?? 0) === 0) return false;
      await tx.query(DELETE_HOSTS, [t.id]);
      for (const host of t.hosts) await insertOrConflict(tx, `host '${host}'`, INSERT_HOST, [host, t.id]);
      await appendAuditIn(tx, audit);
      return true;
    });
  }

  async listTenants(): Promise<Tenant[]> {
    return (await this.#db.query<Row>(LIST)).rows.map(mapRow.tenant);
  }
}

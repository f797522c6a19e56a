import type { AuditEntry, Client } from '../../core/model.ts';
import { appendAuditIn } from './audit.ts';
import type { ClientStore } from '../../core/ports/clients.ts';
import type { Page, PageQuery } from '../../core/ports/paging.ts';
import { insertOrConflict, statement, type PostgresDatabase, type Queryable } from './database.ts';
import { CLIENT_COLUMNS, mapRow, type Row } from './rows.ts';
import { deepFreeze } from '../read-only-fields.ts';
import { rateLimitColumn } from '../rows.ts';
import type { PostgresReadCache } from './read-cache.ts';

const GET = statement('clients.get', `SELECT ${CLIENT_COLUMNS} FROM clients WHERE tenant_id = $1 AND id = $2`);
const INSERT = statement('clients.insert', `INSERT INTO clients (${CLIENT_COLUMNS})
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`);
const UPDATE = statement('clients.update', `UPDATE clients SET name = $3, secrets = $4, grant_types = $5, scopes = $6, accounts = $7,
  token_format = $8, access_token_lifetime = $9, audience = $10, client_type = $11, single_active_token = $12, attributes = $13, claims = $14,
  enabled = $15, updated_at = $16, rate_limit = $17 WHERE tenant_id = $1 AND id = $2`);
const DELETE = statement('clients.delete', 'DELETE FROM clients WHERE tenant_id = $1 AND id = $2');
const LIST = statement('clients.list', `SELECT ${CLIENT_COLUMNS} FROM clients WHERE tenant_id = $1 ORDER BY id`);
// $2 is the account filter: NULL, or an array of which a client must carry at least one (&& is array overlap).
const PAGE = statement('clients.page', `SELECT ${CLIENT_COLUMNS}, count(*) OVER () AS total FROM clients
  WHERE tenant_id = $1 AND ($2::text[] IS NULL OR accounts && $2::text[]) ORDER BY id LIMIT $3 OFFSET $4`);
const COUNT = statement('clients.count', 'SELECT count(*) AS total FROM clients WHERE tenant_id = $1 AND ($2::text[] IS NULL OR accounts && $2::text[])');

export class PostgresClientStore implements ClientStore {
  readonly #db: PostgresDatabase;
  readonly #cache: PostgresReadCache | undefined;

  /** @param cache optional coherent cache for the lookups on the token path (see read-cache.ts) */
  constructor(db: PostgresDatabase, cache?: PostgresReadCache) {
    this.#db = db;
    this.#cache = cache;
  }

  async getClient(tenantId: string, clientId: string): Promise<Client | undefined> {
    const load = async () => {
      const row = (await this.#db.query<Row>(GET, [tenantId, clientId])).rows[0];
      return row && deepFreeze(mapRow.client(row));
    };
    return this.#cache ? this.#cache.get(`client\u0000${tenantId}\u0000${clientId}`, load) : load();
  }

  /** A write, with the cache around it (read-cache.ts). */
  #invalidating<T>(write: () => Promise<T>): Promise<T> {
    return this.#cache ? this.#cache.writing(write) : write();
  }

  async createClient(c: Client, audit: AuditEntry): Promise<void> {
    await this.#invalidating(() =>
      this.#db.transaction(async (tx) => {
        await this.#create(tx, c);
        await appendAuditIn(tx, audit);
      }),
    );
  }

  async updateClient(c: Client, audit: AuditEntry): Promise<boolean> {
    return this.#invalidating(() =>
      this.#db.transaction(async (tx) => {
        if (!(await this.#update(tx, c))) return false;
        await appendAuditIn(tx, audit);
        return true;
      }),
    );
  }

  async deleteClient(tenantId: string, clientId: string, audit: AuditEntry): Promise<boolean> {
    return this.#invalidating(() =>
      this.#db.transaction(async (tx) => {
        if (((await tx.query(DELETE, [tenantId, clientId])).rowCount ?? 0) === 0) return false;
        await appendAuditIn(tx, audit);
        return true;
      }),
    );
  }

  async #create(tx: Queryable, c: Client): Promise<void> {
    await insertOrConflict(tx, `client '${c.id}'`, INSERT, [
      c.tenantId, c.id, c.name, JSON.stringify(c.secrets), c.grantTypes, c.scopes, c.accounts, c.tokenFormat,
      c.accessTokenLifetime, c.audience, c.clientType, c.singleActiveToken, JSON.stringify(c.attributes), JSON.stringify(c.claims), c.enabled,
      c.createdAt, c.updatedAt, rateLimitColumn(c.rateLimit),
    ]);
  }

  async #update(tx: Queryable, c: Client): Promise<boolean> {
    const result = await tx.query(UPDATE, [
      c.tenantId, c.id, c.name, JSON.stringify(c.secrets), c.grantTypes, c.scopes, c.accounts, c.tokenFormat,
      c.accessTokenLifetime, c.audience, c.clientType, c.singleActiveToken, JSON.stringify(c.attributes), JSON.stringify(c.claims), c.enabled,
      c.updatedAt, rateLimitColumn(c.rateLimit),
    ]);
    return (result.rowCount ?? 0) > 0;
  }

  async listClients(tenantId: string): Promise<Client[]> {
    return (await this.#db.query<Row>(LIST, [tenantId])).rows.map(mapRow.client);
  }

  async pageClients(tenantId: string, query: PageQuery): Promise<Page<Client>> {
    const accounts = query.accounts?.length ? [...query.accounts] : null;
    const rows = (await this.#db.query<Row>(PAGE, [tenantId, accounts, query.limit, query.offset])).rows;
    // count(*) OVER () rides along with the page; an empty page (past the end) needs its own count.
    const total = rows.length > 0 ? Number(rows[0]!.total) : Number((await this.#db.query<Row>(COUNT, [tenantId, accounts])).rows[0]!.total);
    return { items: rows.map(mapRow.client), total };
  }
}

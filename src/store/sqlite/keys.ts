import type { DatabaseSync } from 'node:sqlite';
import type { JWK } from 'jose';
import type { AuditEntry, SigningAlgorithm, SigningKey } from '../../core/model.ts';
import type { SqliteAuditChain } from './audit.ts';
import type { KeyStore } from '../../core/ports/keys.ts';
import { inTransaction } from './database.ts';
import type { ReadCache } from './read-cache.ts';
import { mapRow, type Row } from './rows.ts';

export class SqliteKeyStore implements KeyStore {
  readonly #list;
  readonly #insertGeneration;
  readonly #byGeneration;
  readonly #retire;
  readonly #deleteRetired;
  readonly #delete;
  readonly #raiseRevision;
  readonly #deletePrivate;
  readonly #replacePrivate;
  readonly #db: DatabaseSync;
  readonly #audit: SqliteAuditChain;
  readonly #cache: ReadCache | undefined;

  /**
   * @param audit appends a rotation's or revocation's entry in its transaction
   * @param cache the tenants' read cache, told of the tenant row a revocation changes
   */
  constructor(db: DatabaseSync, audit: SqliteAuditChain, cache?: ReadCache) {
    this.#db = db;
    this.#audit = audit;
    this.#cache = cache;
    this.#list = db.prepare('SELECT * FROM signing_keys WHERE tenant_id = ? ORDER BY created_at, generation, kid');
    // The unique (tenant_id, alg, generation) index decides the race between processes.
    this.#insertGeneration = db.prepare(`INSERT INTO signing_keys
      (kid, tenant_id, alg, private_key, public_jwk, created_at, generation, activates_at, retires_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tenant_id, alg, generation) DO NOTHING`);
    this.#byGeneration = db.prepare('SELECT * FROM signing_keys WHERE tenant_id = ? AND alg = ? AND generation = ?');
    this.#retire = db.prepare(
      'UPDATE signing_keys SET retires_at = ? WHERE tenant_id = ? AND alg = ? AND generation < ? AND retires_at IS NULL',
    );
    this.#deleteRetired = db.prepare('DELETE FROM signing_keys WHERE tenant_id = ? AND retires_at IS NOT NULL AND retires_at <= ?');
    this.#delete = db.prepare('DELETE FROM signing_keys WHERE tenant_id = ? AND kid = ?');
    // Changing the tenant row is what other connections' read caches notice (data_version) and this one's (its TEMP triggers).
    this.#raiseRevision = db.prepare('UPDATE tenants SET keys_revision = keys_revision + 1 WHERE id = ?');
    this.#replacePrivate = db.prepare('UPDATE signing_keys SET private_key = ? WHERE tenant_id = ? AND kid = ? AND private_key IS NOT NULL');
    this.#deletePrivate = db.prepare('UPDATE signing_keys SET private_key = NULL WHERE tenant_id = ? AND kid = ? AND private_key IS NOT NULL');
  }

  async revokeKey(tenantId: string, kid: string, audit: AuditEntry): Promise<boolean> {
    return inTransaction(this.#db, () => {
      if (Number(this.#delete.run(tenantId, kid).changes) === 0) return false;
      this.#raiseRevision.run(tenantId);
      this.#cache?.invalidate();
      this.#audit.append(audit);
      return true;
    });
  }

  async rotateKey(k: SigningKey, retire: readonly { alg: SigningAlgorithm; belowGeneration: number }[], retiresAt: number, audit: AuditEntry): Promise<SigningKey> {
    return inTransaction(this.#db, () => {
      const stored = this.#insert(k);
      if (stored.kid !== k.kid) return stored;
      for (const { alg, belowGeneration } of retire) this.#retire.run(retiresAt, k.tenantId, alg, belowGeneration);
      this.#audit.append(audit);
      return stored;
    });
  }

  async replacePrivateKey(tenantId: string, kid: string, privateJwk: JWK): Promise<boolean> {
    return Number(this.#replacePrivate.run(JSON.stringify(privateJwk), tenantId, kid).changes) === 1;
  }

  async deletePrivateKeys(tenantId: string, kids: readonly string[]): Promise<number> {
    if (kids.length === 0) return 0;
    return inTransaction(this.#db, () => kids.reduce((n, kid) => n + Number(this.#deletePrivate.run(tenantId, kid).changes), 0));
  }

  async listKeys(tenantId: string): Promise<SigningKey[]> {
    return (this.#list.all(tenantId) as Row[]).map(mapRow.key);
  }

  async insertKeyGeneration(k: SigningKey): Promise<SigningKey> {
    return this.#insert(k);
  }

  /** Inserts unless the generation exists; the key stored for the generation afterwards. */
  #insert(k: SigningKey): SigningKey {
    this.#insertGeneration.run(
      k.kid, k.tenantId, k.alg, k.privateJwk === null ? null : JSON.stringify(k.privateJwk), JSON.stringify(k.publicJwk), k.createdAt, k.generation, k.activatesAt, k.retiresAt,
    );
    return mapRow.key(this.#byGeneration.get(k.tenantId, k.alg, k.generation) as Row);
  }

  async retireKeys(tenantId: string, alg: SigningAlgorithm, belowGeneration: number, retiresAt: number): Promise<number> {
    return Number(this.#retire.run(retiresAt, tenantId, alg, belowGeneration).changes);
  }

  async deleteRetiredKeys(tenantId: string, at: number): Promise<number> {
    return Number(this.#deleteRetired.run(tenantId, at).changes);
  }
}

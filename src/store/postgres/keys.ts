import type { JWK } from 'jose';
import type { AuditEntry, SigningAlgorithm, SigningKey } from '../../core/model.ts';
import { appendAuditIn } from './audit.ts';
import type { KeyStore } from '../../core/ports/keys.ts';
import { statement, type PostgresDatabase, type Queryable } from './database.ts';
import type { PostgresReadCache } from './read-cache.ts';
import { KEY_COLUMNS, mapRow, type Row } from './rows.ts';

const LIST = statement('keys.list', `SELECT ${KEY_COLUMNS} FROM signing_keys WHERE tenant_id = $1 ORDER BY created_at, generation, kid`);
// The unique (tenant_id, alg, generation) index decides the race between
// processes: a concurrent insert of the same generation waits for the first to
// commit, then does nothing.
const INSERT_GENERATION = statement('keys.insert-generation', `INSERT INTO signing_keys (${KEY_COLUMNS})
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (tenant_id, alg, generation) DO NOTHING`);
const BY_GENERATION = statement('keys.by-generation', `SELECT ${KEY_COLUMNS} FROM signing_keys WHERE tenant_id = $1 AND alg = $2 AND generation = $3`);
const RETIRE = statement('keys.retire', `UPDATE signing_keys SET retires_at = $4
  WHERE tenant_id = $1 AND alg = $2 AND generation < $3 AND retires_at IS NULL`);
const DELETE_RETIRED = statement('keys.delete-retired', 'DELETE FROM signing_keys WHERE tenant_id = $1 AND retires_at IS NOT NULL AND retires_at <= $2');

const DELETE = statement('keys.delete', 'DELETE FROM signing_keys WHERE tenant_id = $1 AND kid = $2');
// Changing the tenant row raises cache_version, which every instance's read cache checks each turn.
const RAISE_REVISION = statement('keys.raise-revision', 'UPDATE tenants SET keys_revision = keys_revision + 1 WHERE id = $1');
const REPLACE_PRIVATE = statement('keys.replace-private', 'UPDATE signing_keys SET private_key = $3 WHERE tenant_id = $1 AND kid = $2 AND private_key IS NOT NULL');
const DELETE_PRIVATE = statement('keys.delete-private', 'UPDATE signing_keys SET private_key = NULL WHERE tenant_id = $1 AND kid = ANY($2::text[]) AND private_key IS NOT NULL');

export class PostgresKeyStore implements KeyStore {
  readonly #db: PostgresDatabase;
  readonly #cache: PostgresReadCache | undefined;

  /** @param cache the tenants' read cache, told of the tenant row a revocation changes */
  constructor(db: PostgresDatabase, cache?: PostgresReadCache) {
    this.#db = db;
    this.#cache = cache;
  }

  async listKeys(tenantId: string): Promise<SigningKey[]> {
    return (await this.#db.query<Row>(LIST, [tenantId])).rows.map(mapRow.key);
  }

  async insertKeyGeneration(k: SigningKey): Promise<SigningKey> {
    return insertGeneration(this.#db, k);
  }

  async rotateKey(k: SigningKey, retire: readonly { alg: SigningAlgorithm; belowGeneration: number }[], retiresAt: number, audit: AuditEntry): Promise<SigningKey> {
    return this.#db.transaction(async (tx) => {
      const stored = await insertGeneration(tx, k);
      if (stored.kid !== k.kid) return stored;
      for (const { alg, belowGeneration } of retire) await tx.query(RETIRE, [k.tenantId, alg, belowGeneration, retiresAt]);
      await appendAuditIn(tx, audit);
      return stored;
    });
  }

  async retireKeys(tenantId: string, alg: SigningAlgorithm, belowGeneration: number, retiresAt: number): Promise<number> {
    return (await this.#db.query(RETIRE, [tenantId, alg, belowGeneration, retiresAt])).rowCount ?? 0;
  }

  async revokeKey(tenantId: string, kid: string, audit: AuditEntry): Promise<boolean> {
    const revoke = () =>
      this.#db.transaction(async (tx) => {
        if (((await tx.query(DELETE, [tenantId, kid])).rowCount ?? 0) === 0) return false;
        await tx.query(RAISE_REVISION, [tenantId]);
        await appendAuditIn(tx, audit);
        return true;
      });
    return this.#cache ? this.#cache.writing(revoke) : revoke();
  }

  async replacePrivateKey(tenantId: string, kid: string, privateJwk: JWK): Promise<boolean> {
    return ((await this.#db.query(REPLACE_PRIVATE, [tenantId, kid, JSON.stringify(privateJwk)])).rowCount ?? 0) === 1;
  }

  async deletePrivateKeys(tenantId: string, kids: readonly string[]): Promise<number> {
    if (kids.length === 0) return 0;
    return (await this.#db.query(DELETE_PRIVATE, [tenantId, [...kids]])).rowCount ?? 0;
  }

  async deleteRetiredKeys(tenantId: string, at: number): Promise<number> {
    return (await this.#db.query(DELETE_RETIRED, [tenantId, at])).rowCount ?? 0;
  }
}

/** Inserts `k` unless its generation exists; the key stored for the generation afterwards. */
async function insertGeneration(db: Queryable, k: SigningKey): Promise<SigningKey> {
  await db.query(INSERT_GENERATION, [
    k.kid, k.tenantId, k.alg, k.privateJwk === null ? null : JSON.stringify(k.privateJwk), JSON.stringify(k.publicJwk), k.createdAt, k.generation, k.activatesAt, k.retiresAt,
  ]);
  // A separate statement on purpose: one `WITH … INSERT … ON CONFLICT DO
  // NOTHING … SELECT` reads with the snapshot taken before the winner
  // committed and would find no row. Read committed gives this one a fresh snapshot.
  const row = (await db.query<Row>(BY_GENERATION, [k.tenantId, k.alg, k.generation])).rows[0];
  if (row === undefined) throw new Error(`signing key generation ${k.generation} for tenant '${k.tenantId}' vanished after insert`);
  return mapRow.key(row);
}

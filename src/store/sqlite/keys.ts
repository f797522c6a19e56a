import type { DatabaseSync } from 'node:sqlite';
import type { SigningAlgorithm, SigningKey } from '../../core/model.ts';
import type { KeyStore } from '../../core/ports/keys.ts';
import { mapRow, type Row } from './rows.ts';

export class SqliteKeyStore implements KeyStore {
  readonly #list;
  readonly #insertGeneration;
  readonly #byGeneration;
  readonly #retire;
  readonly #deleteRetired;

  constructor(db: DatabaseSync) {
    this.#list = db.prepare('SELECT * FROM signing_keys WHERE tenant_id = ? ORDER BY created_at, generation, kid');
    // The unique (tenant_id, alg, generation) index decides the race between processes.
    this.#insertGeneration = db.prepare(`INSERT INTO signing_keys
      (kid, tenant_id, alg, private_jwk, public_jwk, created_at, generation, activates_at, retires_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tenant_id, alg, generation) DO NOTHING`);
    this.#byGeneration = db.prepare('SELECT * FROM signing_keys WHERE tenant_id = ? AND alg = ? AND generation = ?');
    this.#retire = db.prepare(
      'UPDATE signing_keys SET retires_at = ? WHERE tenant_id = ? AND alg = ? AND generation < ? AND retires_at IS NULL',
    );
    this.#deleteRetired = db.prepare('DELETE FROM signing_keys WHERE tenant_id = ? AND retires_at IS NOT NULL AND retires_at <= ?');
  }

  async listKeys(tenantId: string): Promise<SigningKey[]> {
    return (this.#list.all(tenantId) as Row[]).map(mapRow.key);
  }

  async insertKeyGeneration(k: SigningKey): Promise<SigningKey> {
    this.#insertGeneration.run(
      k.kid, k.tenantId, k.alg, JSON.stringify(k.privateJwk), JSON.stringify(k.publicJwk), k.createdAt, k.generation, k.activatesAt, k.retiresAt,
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

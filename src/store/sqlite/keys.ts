import type { DatabaseSync } from 'node:sqlite';
import type { SigningKey } from '../../core/model.ts';
import type { KeyStore } from '../types.ts';
import { rowToKey, type Row } from './rows.ts';

export class SqliteKeyStore implements KeyStore {
  readonly #list;
  readonly #insertIfNone;
  readonly #byAlg;

  constructor(db: DatabaseSync) {
    this.#list = db.prepare('SELECT * FROM signing_keys WHERE tenant_id = ? ORDER BY created_at, kid');
    // The unique (tenant_id, alg) index decides the race between processes.
    this.#insertIfNone = db.prepare(`INSERT INTO signing_keys (kid, tenant_id, alg, private_jwk, public_jwk, created_at)
      VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (tenant_id, alg) DO NOTHING`);
    this.#byAlg = db.prepare('SELECT * FROM signing_keys WHERE tenant_id = ? AND alg = ?');
  }

  async listKeys(tenantId: string): Promise<SigningKey[]> {
    return (this.#list.all(tenantId) as Row[]).map(rowToKey);
  }

  async insertKeyIfNone(k: SigningKey): Promise<SigningKey> {
    this.#insertIfNone.run(k.kid, k.tenantId, k.alg, JSON.stringify(k.privateJwk), JSON.stringify(k.publicJwk), k.createdAt);
    return rowToKey(this.#byAlg.get(k.tenantId, k.alg) as Row);
  }
}

import type { SigningKey } from '../../core/model.ts';
import type { KeyStore } from '../types.ts';
import { statement, type PostgresDatabase } from './database.ts';
import { KEY_COLUMNS, rowToKey, type Row } from './rows.ts';

const LIST = statement('keys.list', `SELECT ${KEY_COLUMNS} FROM signing_keys WHERE tenant_id = $1 ORDER BY created_at, kid`);
// The unique (tenant_id, alg) index decides the race between processes: a
// concurrent insert of the same pair waits for the first to commit, then does nothing.
const INSERT_IF_NONE = statement('keys.insert-if-none', `INSERT INTO signing_keys (${KEY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)
  ON CONFLICT (tenant_id, alg) DO NOTHING`);
const BY_ALG = statement('keys.by-alg', `SELECT ${KEY_COLUMNS} FROM signing_keys WHERE tenant_id = $1 AND alg = $2`);

export class PostgresKeyStore implements KeyStore {
  readonly #db: PostgresDatabase;

  constructor(db: PostgresDatabase) {
    this.#db = db;
  }

  async listKeys(tenantId: string): Promise<SigningKey[]> {
    return (await this.#db.query<Row>(LIST, [tenantId])).rows.map(rowToKey);
  }

  async insertKeyIfNone(k: SigningKey): Promise<SigningKey> {
    await this.#db.query(INSERT_IF_NONE, [k.kid, k.tenantId, k.alg, JSON.stringify(k.privateJwk), JSON.stringify(k.publicJwk), k.createdAt]);
    // A separate statement on purpose: one `WITH … INSERT … ON CONFLICT DO
    // NOTHING … SELECT` reads with the snapshot taken before the winner
    // committed and would find no row. Read committed gives this one a fresh snapshot.
    const row = (await this.#db.query<Row>(BY_ALG, [k.tenantId, k.alg])).rows[0];
    if (row === undefined) throw new Error(`signing key for tenant '${k.tenantId}' (${k.alg}) vanished after insert`);
    return rowToKey(row);
  }
}

import type { TokenRecord } from '../../core/model.ts';
import type { TokenStore } from '../types.ts';
import { statement, type PostgresDatabase } from './database.ts';
import { rowToToken, TOKEN_COLUMNS, type Row } from './rows.ts';

const INSERT = statement('tokens.insert', `INSERT INTO tokens (${TOKEN_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`);
const GET = statement('tokens.get', `SELECT ${TOKEN_COLUMNS} FROM tokens WHERE hash = $1`);
const REVOKE = statement('tokens.revoke', 'UPDATE tokens SET revoked_at = $2 WHERE hash = $1 AND revoked_at IS NULL');
const REVOKE_FAMILY = statement('tokens.revoke-family', 'UPDATE tokens SET revoked_at = $2 WHERE family_id = $1 AND revoked_at IS NULL');
const REVOKE_SUBJECT = statement('tokens.revoke-subject',
  'UPDATE tokens SET revoked_at = $4 WHERE tenant_id = $1 AND client_id = $2 AND subject = $3 AND revoked_at IS NULL');
// SKIP LOCKED: purgers on several instances take disjoint batches instead of
// queueing behind each other, and a row being revoked right now is left for
// the next run rather than waited for.
const PURGE = statement('tokens.purge', `DELETE FROM tokens WHERE hash IN (
  SELECT hash FROM tokens WHERE expires_at < $1 ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED)`);

export class PostgresTokenStore implements TokenStore {
  readonly #db: PostgresDatabase;

  constructor(db: PostgresDatabase) {
    this.#db = db;
  }

  async saveToken(r: TokenRecord): Promise<void> {
    await this.#db.query(INSERT, [
      r.hash, r.kind, r.tenantId, r.clientId, r.subject, r.scope, r.accounts, r.issuedAt, r.expiresAt, r.revokedAt, r.familyId, r.username,
    ]);
  }

  async findToken(hash: string): Promise<TokenRecord | undefined> {
    const row = (await this.#db.query<Row>(GET, [hash])).rows[0];
    return row && rowToToken(row);
  }

  async revokeToken(hash: string, at: number): Promise<boolean> {
    return ((await this.#db.query(REVOKE, [hash, at])).rowCount ?? 0) > 0;
  }

  async revokeFamily(familyId: string, at: number): Promise<number> {
    return (await this.#db.query(REVOKE_FAMILY, [familyId, at])).rowCount ?? 0;
  }

  async revokeSubjectTokens(tenantId: string, clientId: string, subject: string, at: number): Promise<number> {
    return (await this.#db.query(REVOKE_SUBJECT, [tenantId, clientId, subject, at])).rowCount ?? 0;
  }

  async purgeExpired(before: number, limit: number): Promise<number> {
    return (await this.#db.query(PURGE, [before, limit])).rowCount ?? 0;
  }
}

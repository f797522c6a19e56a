import type { TokenRecord } from '../../core/model.ts';
import type { RefreshTokenUse, TokenStore } from '../types.ts';
import { statement, type PostgresDatabase } from './database.ts';
import { rowToToken, TOKEN_COLUMNS, type Row } from './rows.ts';

const INSERT = statement('tokens.insert', `INSERT INTO tokens (${TOKEN_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`);
const GET = statement('tokens.get', `SELECT ${TOKEN_COLUMNS} FROM tokens WHERE hash = $1`);
const REVOKE = statement('tokens.revoke', 'UPDATE tokens SET revoked_at = $2 WHERE hash = $1 AND revoked_at IS NULL');
const REVOKE_FAMILY = statement('tokens.revoke-family', 'UPDATE tokens SET revoked_at = $2 WHERE family_id = $1 AND revoked_at IS NULL');
// IS DISTINCT FROM (not <>) so tokens without a family are revoked too.
const REVOKE_SUBJECT = statement('tokens.revoke-subject', `UPDATE tokens SET revoked_at = $4
  WHERE tenant_id = $1 AND client_id = $2 AND subject = $3 AND revoked_at IS NULL AND ($5::text IS NULL OR family_id IS DISTINCT FROM $5)
    AND (username IS NOT NULL OR subject <> client_id)`);
const REVOKE_USER = statement('tokens.revoke-user',
  'UPDATE tokens SET revoked_at = $3 WHERE tenant_id = $1 AND subject = $2 AND username IS NOT NULL AND revoked_at IS NULL');
// One statement: of several requests presenting the same token, exactly one sees a row come back
// (the row lock makes the others re-check revoked_at after the winner commits).
const CONSUME = statement('tokens.consume', `UPDATE tokens SET revoked_at = $2, used_at = $2
  WHERE hash = $1 AND kind = 'refresh' AND revoked_at IS NULL RETURNING ${TOKEN_COLUMNS}`);
const GET_WITH_USE = statement('tokens.get-with-use', `SELECT ${TOKEN_COLUMNS}, used_at FROM tokens WHERE hash = $1`);
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

  async revokeSubjectTokens(tenantId: string, clientId: string, subject: string, at: number, exceptFamilyId?: string): Promise<number> {
    return (await this.#db.query(REVOKE_SUBJECT, [tenantId, clientId, subject, at, exceptFamilyId ?? null])).rowCount ?? 0;
  }

  async revokeUserTokens(tenantId: string, userId: string, at: number): Promise<number> {
    return (await this.#db.query(REVOKE_USER, [tenantId, userId, at])).rowCount ?? 0;
  }

  async consumeRefreshToken(hash: string, at: number): Promise<RefreshTokenUse> {
    const consumed = (await this.#db.query<Row>(CONSUME, [hash, at])).rows[0];
    if (consumed !== undefined) return { outcome: 'consumed', record: rowToToken(consumed) };
    const row = (await this.#db.query<Row>(GET_WITH_USE, [hash])).rows[0];
    if (row === undefined || row.kind !== 'refresh') return { outcome: 'unknown' };
    const record = rowToToken(row);
    return row.used_at == null ? { outcome: 'revoked', record } : { outcome: 'reused', record, usedAt: Number(row.used_at) };
  }

  async purgeExpired(before: number, limit: number): Promise<number> {
    return (await this.#db.query(PURGE, [before, limit])).rowCount ?? 0;
  }
}

import type { DatabaseSync } from 'node:sqlite';
import type { TokenRecord } from '../../core/model.ts';
import type { RefreshTokenUse, TokenStore } from '../types.ts';
import { rowToToken, type Row } from './rows.ts';

export class SqliteTokenStore implements TokenStore {
  readonly #insert;
  readonly #get;
  readonly #revoke;
  readonly #revokeFamily;
  readonly #revokeSubject;
  readonly #purge;
  readonly #revokeUser;
  readonly #consume;

  constructor(db: DatabaseSync) {
    this.#insert = db.prepare(`INSERT INTO tokens (hash, kind, tenant_id, client_id, subject, scope, accounts, issued_at, expires_at,
      revoked_at, family_id, username) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.#get = db.prepare('SELECT * FROM tokens WHERE hash = ?');
    this.#revoke = db.prepare('UPDATE tokens SET revoked_at = ? WHERE hash = ? AND revoked_at IS NULL');
    this.#revokeFamily = db.prepare('UPDATE tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL');
    // `IS NOT` (not `<>`) so tokens without a family are revoked too.
    this.#revokeSubject = db.prepare(`UPDATE tokens SET revoked_at = :at
      WHERE tenant_id = :tenant AND client_id = :client AND subject = :subject AND revoked_at IS NULL
        AND (:except IS NULL OR family_id IS NOT :except)`);
    this.#revokeUser = db.prepare(
      'UPDATE tokens SET revoked_at = ? WHERE tenant_id = ? AND subject = ? AND username IS NOT NULL AND revoked_at IS NULL',
    );
    // The subquery walks tokens_by_expiry and stops at the limit, so one call
    // holds the write lock for a bounded number of rows.
    this.#purge = db.prepare(
      'DELETE FROM tokens WHERE hash IN (SELECT hash FROM tokens WHERE expires_at < ? ORDER BY expires_at LIMIT ?)',
    );
    // One statement: of several requests presenting the same token, exactly one sees a row come back.
    this.#consume = db.prepare(`UPDATE tokens SET revoked_at = :at, used_at = :at
      WHERE hash = :hash AND kind = 'refresh' AND revoked_at IS NULL RETURNING *`);
  }

  async saveToken(r: TokenRecord): Promise<void> {
    this.#insert.run(
      r.hash, r.kind, r.tenantId, r.clientId, r.subject, r.scope.join(' '), JSON.stringify(r.accounts), r.issuedAt, r.expiresAt,
      r.revokedAt, r.familyId, r.username,
    );
  }

  async findToken(hash: string): Promise<TokenRecord | undefined> {
    const row = this.#get.get(hash) as Row | undefined;
    return row && rowToToken(row);
  }

  async revokeToken(hash: string, at: number): Promise<boolean> {
    return this.#revoke.run(at, hash).changes > 0;
  }

  async revokeFamily(familyId: string, at: number): Promise<number> {
    return Number(this.#revokeFamily.run(at, familyId).changes);
  }

  async revokeSubjectTokens(tenantId: string, clientId: string, subject: string, at: number, exceptFamilyId?: string): Promise<number> {
    return Number(this.#revokeSubject.run({ at, tenant: tenantId, client: clientId, subject, except: exceptFamilyId ?? null }).changes);
  }

  async revokeUserTokens(tenantId: string, userId: string, at: number): Promise<number> {
    return Number(this.#revokeUser.run(at, tenantId, userId).changes);
  }

  async consumeRefreshToken(hash: string, at: number): Promise<RefreshTokenUse> {
    const consumed = this.#consume.get({ at, hash }) as Row | undefined;
    if (consumed !== undefined) return { outcome: 'consumed', record: rowToToken(consumed) };
    const row = this.#get.get(hash) as Row | undefined;
    if (row === undefined || row.kind !== 'refresh') return { outcome: 'unknown' };
    const record = rowToToken(row);
    return row.used_at == null ? { outcome: 'revoked', record } : { outcome: 'reused', record, usedAt: Number(row.used_at) };
  }

  async purgeExpired(before: number, limit: number): Promise<number> {
    return Number(this.#purge.run(before, limit).changes);
  }
}

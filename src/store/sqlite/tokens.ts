import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { TokenRecord } from '../../core/model.ts';
import type { RefreshTokenUse, TokenStore } from '../../core/ports/tokens.ts';
import { deepFreeze } from '../read-only-fields.ts';
import { eventLoopTurn, type Turn } from '../../runtime/turn.ts';
import type { CacheRegion } from './cache-region.ts';
import { mapRow, type Row } from './rows.ts';

/**
 * The single-active-token revocation. `IS NOT` (not `<>`) so tokens without
 * a family are revoked too. The last line is tokens_by_subject's own
 * condition (migration 6: a client's own client-credentials tokens are no
 * login), which SQLite needs to see in the query to use that partial index.
 */
export const REVOKE_SUBJECT_SQL = `UPDATE tokens SET revoked_at = :at
  WHERE tenant_id = :tenant AND client_id = :client AND subject = :subject AND revoked_at IS NULL
    AND (:except IS NULL OR family_id IS NOT :except)
    AND (username IS NOT NULL OR subject <> client_id)
  RETURNING hash`;

interface PendingSave {
  record: TokenRecord;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Token records in SQLite, written with group commit.
 *
 * Each SQLite commit appends every page it touched to the WAL, and a token
 * insert touches the primary key and three indexes: committed one by one, a
 * busy token endpoint spent most of its store time writing the same index
 * pages again and again. So `saveToken` queues the record and the queue is
 * written in one transaction in the `commit` phase of the turn's end
 * (runtime/turn.ts), which holds every request that reached issuance in that
 * turn. Each caller's promise settles only after the commit: a token is never
 * handed out before it is stored. A record that fails alone (a duplicate
 * hash) fails only its own caller.
 *
 * Every other operation first writes the queue, so reads and revocations see
 * the store in call order (a revocation issued after a save includes it).
 *
 * Lookups by key go through an optional cache region (read-cache.ts): the same
 * token is presented again and again (introspection of a bearer token on
 * every API call), and its row, read once, costs a statement's locks on
 * every later request. The region is dropped at its next check after another
 * connection commits (read-cache.ts); this class is the only writer of
 * `tokens` on its own connection, so it forgets exactly the records each of
 * its own writes changes: before the write for one known key, from the
 * statement's `RETURNING` rows for the rest.
 */
export class SqliteTokenStore implements TokenStore {
  readonly #db: DatabaseSync;
  readonly #insert: StatementSync;
  readonly #get;
  readonly #revoke;
  readonly #revokeFamily;
  readonly #revokeSubject;
  readonly #purge;
  readonly #revokeUser;
  readonly #consume;
  readonly #revokedAt;
  readonly #cache: CacheRegion | undefined;
  readonly #turn: Turn;
  #pending: PendingSave[] = [];
  readonly #flush = () => this.flush();

  /** @param cache optional region that remembers records (and absences) by key between writes */
  constructor(db: DatabaseSync, cache?: CacheRegion, turn: Turn = eventLoopTurn) {
    this.#db = db;
    this.#cache = cache;
    this.#turn = turn;
    this.#insert = db.prepare(`INSERT INTO tokens (hash, kind, tenant_id, client_id, subject, scope, accounts, issued_at, expires_at,
      revoked_at, family_id, username) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.#get = db.prepare('SELECT * FROM tokens WHERE hash = ?');
    this.#revokedAt = db.prepare('SELECT revoked_at FROM tokens WHERE hash = ?');
    this.#revoke = db.prepare('UPDATE tokens SET revoked_at = ? WHERE hash = ? AND revoked_at IS NULL');
    // Statements that change several tokens return their keys, so the cache forgets exactly those.
    this.#revokeFamily = db.prepare('UPDATE tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL RETURNING hash');
    this.#revokeSubject = db.prepare(REVOKE_SUBJECT_SQL);
    this.#revokeUser = db.prepare(
      'UPDATE tokens SET revoked_at = ? WHERE tenant_id = ? AND subject = ? AND username IS NOT NULL AND revoked_at IS NULL RETURNING hash',
    );
    // The subquery walks tokens_by_expiry and stops at the limit, so one call
    // holds the write lock for a bounded number of rows.
    this.#purge = db.prepare(
      'DELETE FROM tokens WHERE hash IN (SELECT hash FROM tokens WHERE expires_at < ? ORDER BY expires_at LIMIT ?) RETURNING hash',
    );
    // One statement: of several requests presenting the same token, exactly one sees a row come back.
    this.#consume = db.prepare(`UPDATE tokens SET revoked_at = :at, used_at = :at
      WHERE hash = :hash AND kind = 'refresh' AND revoked_at IS NULL RETURNING *`);
  }

  saveToken(record: TokenRecord): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.#pending.push({ record, resolve, reject }) === 1) this.#turn.atEnd('commit', this.#flush);
    });
  }

  /**
   * Writes queued token records now (called before every other operation and
   * before closing). Inside someone else's open transaction it waits for the
   * next turn instead: joining that transaction would resolve callers whose
   * rows a later ROLLBACK could still undo.
   */
  flush(): void {
    const batch = this.#pending;
    if (batch.length === 0) return;
    if (this.#db.isOpen && this.#db.isTransaction) {
      this.#turn.atEnd('commit', this.#flush);
      return;
    }
    this.#pending = [];
    if (!this.#db.isOpen) {
      for (const p of batch) p.reject(new Error('the token store is closed'));
      return;
    }
    const failed = new Map<PendingSave, unknown>();
    try {
      this.#db.exec('BEGIN IMMEDIATE');
      for (const p of batch) {
        try {
          this.#write(p.record);
        } catch (error) {
          // A failed statement undoes only itself; the rest of the batch stands.
          failed.set(p, error);
        }
      }
      this.#db.exec('COMMIT');
      // A lookup of these keys may have been remembered as absent (before the
      // save, or while it waited out someone else's transaction); every
      // lookup flushes the queue first, so forgetting them here is enough.
      if (this.#cache) for (const p of batch) this.#cache.delete(p.record.hash);
    } catch (error) {
      if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
      for (const p of batch) p.reject(error);
      return;
    }
    for (const p of batch) {
      if (failed.has(p)) p.reject(failed.get(p));
      else p.resolve();
    }
  }

  #write(r: TokenRecord): void {
    this.#insert.run(
      r.hash, r.kind, r.tenantId, r.clientId, r.subject, r.scope.join(' '), JSON.stringify(r.accounts), r.issuedAt, r.expiresAt,
      r.revokedAt, r.familyId, r.username,
    );
  }

  async findToken(hash: string): Promise<TokenRecord | undefined> {
    this.flush();
    const load = (): TokenRecord | undefined => {
      const row = this.#get.get(hash) as Row | undefined;
      return row && mapRow.token(row);
    };
    if (this.#cache) return this.#cache.get(hash, load);
    const record = load();
    return record && deepFreeze(record);
  }

  async revokeToken(hash: string, at: number): Promise<boolean> {
    this.flush();
    this.#cache?.delete(hash);
    return this.#revoke.run(at, hash).changes > 0;
  }

  async revokeFamily(familyId: string, at: number, replacement?: TokenRecord): Promise<number> {
    this.flush();
    if (replacement === undefined) return this.#forgetChanged(this.#revokeFamily.all(at, familyId));
    return this.#atomically(() => {
      const revoked = this.#forgetChanged(this.#revokeFamily.all(at, familyId));
      if (revoked > 0) this.#write(replacement);
      return revoked;
    });
  }

  async revokeSubjectTokens(tenantId: string, clientId: string, subject: string, at: number, exceptFamilyId?: string): Promise<number> {
    this.flush();
    return this.#forgetChanged(this.#revokeSubject.all({ at, tenant: tenantId, client: clientId, subject, except: exceptFamilyId ?? null }));
  }

  async revokeUserTokens(tenantId: string, userId: string, at: number): Promise<number> {
    this.flush();
    return this.#forgetChanged(this.#revokeUser.all(at, tenantId, userId));
  }

  async consumeRefreshToken(hash: string, at: number, replacement?: TokenRecord): Promise<RefreshTokenUse> {
    this.flush();
    this.#cache?.delete(hash);
    const consumed = this.#atomically(() => {
      const row = this.#consume.get({ at, hash }) as Row | undefined;
      if (row !== undefined && replacement !== undefined) this.#write(replacement);
      return row;
    });
    if (consumed !== undefined) return { outcome: 'consumed', record: mapRow.token(consumed) };
    const row = this.#get.get(hash) as Row | undefined;
    if (row === undefined || row.kind !== 'refresh') return { outcome: 'unknown' };
    const record = mapRow.token(row);
    return row.used_at == null ? { outcome: 'revoked', record } : { outcome: 'reused', record, usedAt: Number(row.used_at) };
  }

  /**
   * Runs `work` (synchronous statements) as one write transaction: BEGIN
   * IMMEDIATE takes SQLite's write lock first, so another process sharing the
   * file runs its own step wholly before or after, never between. Inside a
   * transaction already open on this connection it joins that one.
   */
  #atomically<T>(work: () => T): T {
    if (this.#db.isTransaction) return work();
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      const result = work();
      this.#db.exec('COMMIT');
      return result;
    } catch (error) {
      if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
      throw error;
    }
  }

  /**
   * Read past the cache region, after writing the queue. SQLite runs one write at a time across every
   * process, each on the latest committed state: a revocation committed before this read is seen, and one
   * that commits after it took the write lock after every token this caller committed, so it revokes them.
   */
  async refreshTokenLive(hash: string, _familyId: string): Promise<boolean> {
    this.flush();
    const row = this.#revokedAt.get(hash) as { revoked_at: number | bigint | null } | undefined;
    return row !== undefined && row.revoked_at === null;
  }

  async purgeExpired(before: number, limit: number): Promise<number> {
    this.flush();
    return this.#forgetChanged(this.#purge.all(before, limit));
  }

  /**
   * Forgets the cached records of the tokens a statement just changed (its
   * `RETURNING hash` rows) and counts them. Nothing runs between the
   * statement and this (node:sqlite is synchronous), and a statement that
   * fails changes no row, so no read can see a record older than the write.
   */
  #forgetChanged(changed: unknown[]): number {
    if (this.#cache) for (const row of changed) this.#cache.delete((row as { hash: string }).hash);
    return changed.length;
  }
}

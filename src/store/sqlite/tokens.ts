import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { TokenRecord } from '../../core/model.ts';
import type { TokenStore } from '../types.ts';
import { rowToToken, type Row } from './rows.ts';

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
 * written in one transaction at the end of the current event-loop turn
 * (`setImmediate`), which holds every request that reached issuance in that
 * turn. Each caller's promise settles only after the commit: a token is never
 * handed out before it is stored. A record that fails alone (a duplicate
 * hash) fails only its own caller.
 *
 * Every other operation first writes the queue, so reads and revocations see
 * the store in call order (a revocation issued after a save includes it).
 */
export class SqliteTokenStore implements TokenStore {
  readonly #db: DatabaseSync;
  readonly #insert: StatementSync;
  readonly #get;
  readonly #revoke;
  readonly #revokeFamily;
  readonly #revokeSubject;
  #pending: PendingSave[] = [];

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#insert = db.prepare(`INSERT INTO tokens (hash, kind, tenant_id, client_id, subject, scope, accounts, issued_at, expires_at,
      revoked_at, family_id, username) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.#get = db.prepare('SELECT * FROM tokens WHERE hash = ?');
    this.#revoke = db.prepare('UPDATE tokens SET revoked_at = ? WHERE hash = ? AND revoked_at IS NULL');
    this.#revokeFamily = db.prepare('UPDATE tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL');
    this.#revokeSubject = db.prepare(
      'UPDATE tokens SET revoked_at = ? WHERE tenant_id = ? AND client_id = ? AND subject = ? AND revoked_at IS NULL',
    );
  }

  saveToken(record: TokenRecord): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.#pending.push({ record, resolve, reject }) === 1) setImmediate(() => this.flush());
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
      setImmediate(() => this.flush());
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
    const row = this.#get.get(hash) as Row | undefined;
    return row && rowToToken(row);
  }

  async revokeToken(hash: string, at: number): Promise<boolean> {
    this.flush();
    return this.#revoke.run(at, hash).changes > 0;
  }

  async revokeFamily(familyId: string, at: number): Promise<number> {
    this.flush();
    return Number(this.#revokeFamily.run(at, familyId).changes);
  }

  async revokeSubjectTokens(tenantId: string, clientId: string, subject: string, at: number): Promise<number> {
    this.flush();
    return Number(this.#revokeSubject.run(at, tenantId, clientId, subject).changes);
  }
}

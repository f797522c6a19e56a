import type { DatabaseSync } from 'node:sqlite';
import type { AuditEntry } from '../../core/model.ts';
import { AUDIT_CHAIN_GENESIS, auditEntryHash } from '../../core/audit-chain.ts';
import type { AuditFilter, AuditStore, ChainedAuditEntry } from '../../core/ports/audit.ts';
import type { Page, PageQuery } from '../../core/ports/paging.ts';
import { inTransaction } from './database.ts';
import { mapRow, type Row } from './rows.ts';

/** One statement for every combination of filters: an absent filter binds NULL and matches everything. */
const WHERE = `WHERE (?1 IS NULL OR tenant_id = ?1)
  AND (?2 IS NULL OR action = ?2)
  AND (?3 IS NULL OR substr(action, 1, length(?3)) = ?3)
  AND (?4 IS NULL OR actor = ?4)
  AND (?5 IS NULL OR target = ?5)
  AND (?6 IS NULL OR at >= ?6)
  AND (?7 IS NULL OR at < ?7)`;

/**
 * Appends entries to the hash chain inside a write transaction the caller
 * holds: the stores' audited writes call it within the transaction of their
 * change, so the change and its entry commit or roll back together.
 */
export class SqliteAuditChain {
  readonly #db: DatabaseSync;
  readonly #insert;
  readonly #last;

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#insert = db.prepare('INSERT INTO audit_log (at, actor, tenant_id, action, target, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    this.#last = db.prepare('SELECT hash FROM audit_log WHERE hash IS NOT NULL ORDER BY rowid DESC LIMIT 1');
  }

  /** Links `e` to the last entry and inserts it; only inside a write transaction, so another process's entry cannot come between. */
  append(e: AuditEntry): void {
    if (!this.#db.isTransaction) throw new Error('an audit entry is appended inside the transaction of its change');
    const prev = (this.#last.get() as { hash: string } | undefined)?.hash ?? AUDIT_CHAIN_GENESIS;
    this.#insert.run(e.at, e.actor, e.tenantId, e.action, e.target, JSON.stringify(e.details), prev, auditEntryHash(prev, e));
  }
}

export class SqliteAuditStore implements AuditStore {
  readonly #db: DatabaseSync;
  readonly #append: SqliteAuditChain;
  readonly #chain;
  readonly #page;
  readonly #count;

  constructor(db: DatabaseSync, chain: SqliteAuditChain) {
    this.#db = db;
    this.#append = chain;
    this.#chain = db.prepare('SELECT rowid AS seq, * FROM audit_log WHERE rowid > ? ORDER BY rowid LIMIT ?');
    this.#page = db.prepare(`SELECT * FROM audit_log ${WHERE} ORDER BY rowid DESC LIMIT ?8 OFFSET ?9`);
    this.#count = db.prepare(`SELECT COUNT(*) AS n FROM audit_log ${WHERE}`);
  }

  async appendAudit(e: AuditEntry): Promise<void> {
    // Reading the last hash and linking to it is one write transaction: another process's entry cannot come between.
    if (this.#db.isTransaction) this.#append.append(e);
    else inTransaction(this.#db, () => this.#append.append(e));
  }

  async readAuditChain(after: number | undefined, limit: number): Promise<ChainedAuditEntry[]> {
    return (this.#chain.all(after ?? 0, limit) as Row[]).map((r) => ({
      ...mapRow.auditEntry(r),
      seq: Number(r.seq),
      prevHash: (r.prev_hash as string | null) ?? null,
      hash: (r.hash as string | null) ?? null,
    }));
  }

  async pageAudit(tenantId: string | undefined, query: PageQuery, filter: AuditFilter = {}): Promise<Page<AuditEntry>> {
    const where = [tenantId, filter.action, filter.actionPrefix, filter.actor, filter.target, filter.from, filter.to].map((v) => v ?? null);
    const items = (this.#page.all(...where, query.limit, query.offset) as Row[]).map(mapRow.auditEntry);
    return { items, total: Number((this.#count.get(...where) as { n: number }).n) };
  }
}

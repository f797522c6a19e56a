import type { DatabaseSync } from 'node:sqlite';
import type { AccessNumber, AuditEntry } from '../../core/model.ts';
import type { SqliteAuditChain } from './audit.ts';
import type { AccessNumberStore } from '../../core/ports/access-numbers.ts';
import type { Page, PageQuery } from '../../core/ports/paging.ts';
import { inTransaction, insertOrConflict } from './database.ts';
import { mapRow, type Row } from './rows.ts';

/** Rows read per query while iterating: bounds memory without holding a statement (and a read transaction) open. */
const BATCH = 500;


export class SqliteAccessNumberStore implements AccessNumberStore {
  readonly #db: DatabaseSync;
  readonly #audit: SqliteAuditChain;
  readonly #insert;
  readonly #delete;
  readonly #page;
  readonly #count;
  readonly #after;

  /** @param audit appends each write's entry in the write's transaction */
  constructor(db: DatabaseSync, audit: SqliteAuditChain) {
    this.#db = db;
    this.#audit = audit;
    this.#insert = db.prepare('INSERT INTO access_numbers (tenant_id, id, number, label, created_at) VALUES (?, ?, ?, ?, ?)');
    this.#delete = db.prepare('DELETE FROM access_numbers WHERE tenant_id = ? AND id = ?');
    this.#page = db.prepare('SELECT * FROM access_numbers WHERE tenant_id = ? ORDER BY number LIMIT ? OFFSET ?');
    this.#count = db.prepare('SELECT COUNT(*) AS n FROM access_numbers WHERE tenant_id = ?');
    this.#after = db.prepare(`SELECT * FROM access_numbers WHERE tenant_id = ? AND number > ? ORDER BY number LIMIT ${BATCH}`);
  }

  async createAccessNumber(e: AccessNumber, audit: AuditEntry): Promise<void> {
    inTransaction(this.#db, () => {
      insertOrConflict(`access number '${e.number}'`, () => this.#insert.run(e.tenantId, e.id, e.number, e.label, e.createdAt));
      this.#audit.append(audit);
    });
  }

  async deleteAccessNumber(tenantId: string, id: string, audit: AuditEntry): Promise<boolean> {
    return inTransaction(this.#db, () => {
      if (this.#delete.run(tenantId, id).changes === 0) return false;
      this.#audit.append(audit);
      return true;
    });
  }

  async pageAccessNumbers(tenantId: string, query: PageQuery): Promise<Page<AccessNumber>> {
    const items = (this.#page.all(tenantId, query.limit, query.offset) as Row[]).map(mapRow.accessNumber);
    return { items, total: Number((this.#count.get(tenantId) as { n: number }).n) };
  }

  async *iterateAccessNumbers(tenantId: string): AsyncIterable<AccessNumber> {
    let last = '';
    for (;;) {
      const rows = this.#after.all(tenantId, last) as Row[];
      for (const row of rows) yield mapRow.accessNumber(row);
      if (rows.length < BATCH) return;
      last = rows[rows.length - 1]!.number as string;
    }
  }
}

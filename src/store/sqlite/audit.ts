import type { DatabaseSync } from 'node:sqlite';
import type { AuditEntry } from '../../core/model.ts';
import type { AuditFilter, AuditStore } from '../../core/ports/audit.ts';
import type { Page, PageQuery } from '../../core/ports/paging.ts';
import { mapRow, type Row } from './rows.ts';

/** One statement for every combination of filters: an absent filter binds NULL and matches everything. */
const WHERE = `WHERE (?1 IS NULL OR tenant_id = ?1)
  AND (?2 IS NULL OR action = ?2)
  AND (?3 IS NULL OR substr(action, 1, length(?3)) = ?3)
  AND (?4 IS NULL OR actor = ?4)
  AND (?5 IS NULL OR target = ?5)
  AND (?6 IS NULL OR at >= ?6)
  AND (?7 IS NULL OR at < ?7)`;

export class SqliteAuditStore implements AuditStore {
  readonly #insert;
  readonly #page;
  readonly #count;

  constructor(db: DatabaseSync) {
    this.#insert = db.prepare('INSERT INTO audit_log (at, actor, tenant_id, action, target, details) VALUES (?, ?, ?, ?, ?, ?)');
    this.#page = db.prepare(`SELECT * FROM audit_log ${WHERE} ORDER BY rowid DESC LIMIT ?8 OFFSET ?9`);
    this.#count = db.prepare(`SELECT COUNT(*) AS n FROM audit_log ${WHERE}`);
  }

  async appendAudit(e: AuditEntry): Promise<void> {
    this.#insert.run(e.at, e.actor, e.tenantId, e.action, e.target, JSON.stringify(e.details));
  }

  async pageAudit(tenantId: string | undefined, query: PageQuery, filter: AuditFilter = {}): Promise<Page<AuditEntry>> {
    const where = [tenantId, filter.action, filter.actionPrefix, filter.actor, filter.target, filter.from, filter.to].map((v) => v ?? null);
    const items = (this.#page.all(...where, query.limit, query.offset) as Row[]).map(mapRow.auditEntry);
    return { items, total: Number((this.#count.get(...where) as { n: number }).n) };
  }
}

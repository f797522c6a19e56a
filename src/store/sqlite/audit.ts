import type { DatabaseSync } from 'node:sqlite';
import type { AuditEntry } from '../../core/model.ts';
import type { AuditStore } from '../../core/ports/audit.ts';
import type { Page, PageQuery } from '../../core/ports/paging.ts';
import { mapRow, type Row } from './rows.ts';


export class SqliteAuditStore implements AuditStore {
  readonly #insert;
  readonly #page;
  readonly #count;

  constructor(db: DatabaseSync) {
    this.#insert = db.prepare('INSERT INTO audit_log (at, actor, tenant_id, action, target, details) VALUES (?, ?, ?, ?, ?, ?)');
    const where = 'WHERE (? IS NULL OR tenant_id = ?)';
    this.#page = db.prepare(`SELECT * FROM audit_log ${where} ORDER BY rowid DESC LIMIT ? OFFSET ?`);
    this.#count = db.prepare(`SELECT COUNT(*) AS n FROM audit_log ${where}`);
  }

  async appendAudit(e: AuditEntry): Promise<void> {
    this.#insert.run(e.at, e.actor, e.tenantId, e.action, e.target, JSON.stringify(e.details));
  }

  async pageAudit(tenantId: string | undefined, query: PageQuery): Promise<Page<AuditEntry>> {
    const t = tenantId ?? null;
    const items = (this.#page.all(t, t, query.limit, query.offset) as Row[]).map(mapRow.auditEntry);
    return { items, total: Number((this.#count.get(t, t) as { n: number }).n) };
  }
}

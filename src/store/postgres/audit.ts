import type { AuditEntry } from '../../core/model.ts';
import type { AuditStore } from '../../core/ports/audit.ts';
import type { Page, PageQuery } from '../../core/ports/paging.ts';
import { statement, type PostgresDatabase } from './database.ts';
import { mapRow, type Row } from './rows.ts';

const INSERT = statement('audit.insert', 'INSERT INTO audit_log (at, actor, tenant_id, action, target, details) VALUES ($1, $2, $3, $4, $5, $6)');
const PAGE = statement('audit.page', `SELECT at, actor, tenant_id, action, target, details FROM audit_log
  WHERE ($1::text IS NULL OR tenant_id = $1) ORDER BY seq DESC LIMIT $2 OFFSET $3`);
const COUNT = statement('audit.count', 'SELECT count(*) AS total FROM audit_log WHERE ($1::text IS NULL OR tenant_id = $1)');


export class PostgresAuditStore implements AuditStore {
  readonly #db: PostgresDatabase;

  constructor(db: PostgresDatabase) {
    this.#db = db;
  }

  async appendAudit(e: AuditEntry): Promise<void> {
    await this.#db.query(INSERT, [e.at, e.actor, e.tenantId, e.action, e.target, JSON.stringify(e.details)]);
  }

  async pageAudit(tenantId: string | undefined, query: PageQuery): Promise<Page<AuditEntry>> {
    const t = tenantId ?? null;
    const [rows, count] = await Promise.all([this.#db.query<Row>(PAGE, [t, query.limit, query.offset]), this.#db.query<Row>(COUNT, [t])]);
    return { items: rows.rows.map(mapRow.auditEntry), total: Number(count.rows[0]!.total) };
  }
}

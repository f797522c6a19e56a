import type { AccessNumber, AuditEntry } from '../../core/model.ts';
import { appendAuditIn } from './audit.ts';
import type { AccessNumberStore } from '../../core/ports/access-numbers.ts';
import type { Page, PageQuery } from '../../core/ports/paging.ts';
import { insertOrConflict, statement, type PostgresDatabase } from './database.ts';
import { mapRow, type Row } from './rows.ts';

const COLUMNS = 'tenant_id, id, number, label, created_at';
/** Rows per query while iterating: bounded memory, no cursor or transaction held between batches. */
const BATCH = 500;

const INSERT = statement('access-numbers.insert', `INSERT INTO access_numbers (${COLUMNS}) VALUES ($1, $2, $3, $4, $5)`);
const DELETE = statement('access-numbers.delete', 'DELETE FROM access_numbers WHERE tenant_id = $1 AND id = $2');
const PAGE = statement('access-numbers.page', `SELECT ${COLUMNS} FROM access_numbers WHERE tenant_id = $1 ORDER BY number LIMIT $2 OFFSET $3`);
const COUNT = statement('access-numbers.count', 'SELECT count(*) AS total FROM access_numbers WHERE tenant_id = $1');
const AFTER = statement('access-numbers.after', `SELECT ${COLUMNS} FROM access_numbers WHERE tenant_id = $1 AND number > $2 ORDER BY number LIMIT ${BATCH}`);


export class PostgresAccessNumberStore implements AccessNumberStore {
  readonly #db: PostgresDatabase;

  constructor(db: PostgresDatabase) {
    this.#db = db;
  }

  async createAccessNumber(e: AccessNumber, audit: AuditEntry): Promise<void> {
    await this.#db.transaction(async (tx) => {
      await insertOrConflict(tx, `access number '${e.number}'`, INSERT, [e.tenantId, e.id, e.number, e.label, e.createdAt]);
      await appendAuditIn(tx, audit);
    });
  }

  async deleteAccessNumber(tenantId: string, id: string, audit: AuditEntry): Promise<boolean> {
    return this.#db.transaction(async (tx) => {
      if (((await tx.query(DELETE, [tenantId, id])).rowCount ?? 0) === 0) return false;
      await appendAuditIn(tx, audit);
      return true;
    });
  }

  async pageAccessNumbers(tenantId: string, query: PageQuery): Promise<Page<AccessNumber>> {
    const [rows, count] = await Promise.all([
      this.#db.query<Row>(PAGE, [tenantId, query.limit, query.offset]),
      this.#db.query<Row>(COUNT, [tenantId]),
    ]);
    return { items: rows.rows.map(mapRow.accessNumber), total: Number(count.rows[0]!.total) };
  }

  async *iterateAccessNumbers(tenantId: string): AsyncIterable<AccessNumber> {
    let last = '';
    for (;;) {
      const rows = (await this.#db.query<Row>(AFTER, [tenantId, last])).rows;
      for (const row of rows) yield mapRow.accessNumber(row);
      if (rows.length < BATCH) return;
      last = rows[rows.length - 1]!.number as string;
    }
  }
}

import type { AuditEntry } from '../../core/model.ts';
import { AUDIT_CHAIN_GENESIS, auditEntryHash } from '../../core/audit-chain.ts';
import type { AuditFilter, AuditStore, ChainedAuditEntry } from '../../core/ports/audit.ts';
import type { Page, PageQuery } from '../../core/ports/paging.ts';
import { statement, type PostgresDatabase, type Queryable } from './database.ts';
import { mapRow, type Row } from './rows.ts';

/** One statement for every combination of filters: an absent filter binds NULL and matches everything. */
const WHERE = `WHERE ($1::text IS NULL OR tenant_id = $1)
  AND ($2::text IS NULL OR action = $2)
  AND ($3::text IS NULL OR starts_with(action, $3))
  AND ($4::text IS NULL OR actor = $4)
  AND ($5::text IS NULL OR target = $5)
  AND ($6::bigint IS NULL OR at >= $6)
  AND ($7::bigint IS NULL OR at < $7)`;
const INSERT = statement('audit.insert', 'INSERT INTO audit_log (at, actor, tenant_id, action, target, details, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)');
// One lock per schema (several installs may share a database) serialises appends: each links to the last committed entry.
const LOCK = statement('audit.lock', "SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.audit_log'))");
const LAST = statement('audit.last', 'SELECT hash FROM audit_log WHERE hash IS NOT NULL ORDER BY seq DESC LIMIT 1');
const CHAIN = statement('audit.chain', 'SELECT seq, at, actor, tenant_id, action, target, details, prev_hash, hash FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2');
const PAGE = statement('audit.page', `SELECT at, actor, tenant_id, action, target, details FROM audit_log ${WHERE} ORDER BY seq DESC LIMIT $8 OFFSET $9`);
const COUNT = statement('audit.count', `SELECT count(*) AS total FROM audit_log ${WHERE}`);

/**
 * Appends `e` to the hash chain within the transaction `tx`: the stores'
 * audited writes call it in the transaction of their change, so the change
 * and its entry commit or roll back together. The lock is held to the
 * transaction's end; taken after the change's own writes, it is held only
 * for the append and the commit, and never before a row lock.
 */
export async function appendAuditIn(tx: Queryable, e: AuditEntry): Promise<void> {
  await tx.query(LOCK);
  const prev = ((await tx.query<Row>(LAST)).rows[0]?.hash as string | undefined) ?? AUDIT_CHAIN_GENESIS;
  await tx.query(INSERT, [e.at, e.actor, e.tenantId, e.action, e.target, JSON.stringify(e.details), prev, auditEntryHash(prev, e)]);
}

export class PostgresAuditStore implements AuditStore {
  readonly #db: PostgresDatabase;

  constructor(db: PostgresDatabase) {
    this.#db = db;
  }

  async appendAudit(e: AuditEntry): Promise<void> {
    await this.#db.transaction((tx) => appendAuditIn(tx, e));
  }

  async readAuditChain(after: number | undefined, limit: number): Promise<ChainedAuditEntry[]> {
    return (await this.#db.query<Row>(CHAIN, [after ?? 0, limit])).rows.map((r) => ({
      ...mapRow.auditEntry(r),
      seq: Number(r.seq),
      prevHash: (r.prev_hash as string | null) ?? null,
      hash: (r.hash as string | null) ?? null,
    }));
  }

  async pageAudit(tenantId: string | undefined, query: PageQuery, filter: AuditFilter = {}): Promise<Page<AuditEntry>> {
    const where = [tenantId, filter.action, filter.actionPrefix, filter.actor, filter.target, filter.from, filter.to].map((v) => v ?? null);
    const [rows, count] = await Promise.all([this.#db.query<Row>(PAGE, [...where, query.limit, query.offset]), this.#db.query<Row>(COUNT, where)]);
    return { items: rows.rows.map(mapRow.auditEntry), total: Number(count.rows[0]!.total) };
  }
}

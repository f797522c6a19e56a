import type { AuditEntry } from '../../core/model.ts';
import { AUDIT_CHAIN_GENESIS, auditEntryHash } from '../../core/audit-chain.ts';
import type { AuditFilter, AuditStore, ChainedAuditEntry } from '../../core/ports/audit.ts';
import type { Page, PageQuery } from '../../core/ports/paging.ts';
import { copy } from './copy.ts';
import { pageOf } from './paging.ts';

export class MemoryAuditStore implements AuditStore {
  readonly #entries: ChainedAuditEntry[] = [];

  async appendAudit(entry: AuditEntry): Promise<void> {
    this.append(entry);
  }

  /** Appends at once: the memory stores call it in the same synchronous step as the change it records. */
  append(entry: AuditEntry): void {
    const prevHash = this.#entries.at(-1)?.hash ?? AUDIT_CHAIN_GENESIS;
    this.#entries.push({ ...copy(entry), seq: this.#entries.length + 1, prevHash, hash: auditEntryHash(prevHash, entry) });
  }

  async readAuditChain(after: number | undefined, limit: number): Promise<ChainedAuditEntry[]> {
    return this.#entries.filter((e) => e.seq > (after ?? 0)).slice(0, limit).map((e) => copy(e));
  }

  async pageAudit(tenantId: string | undefined, query: PageQuery, filter: AuditFilter = {}): Promise<Page<AuditEntry>> {
    const newestFirst = this.#entries
      .filter((e) => (tenantId === undefined || e.tenantId === tenantId) && matches(e, filter))
      .reverse()
      .map(({ at, actor, tenantId: tenant, action, target, details }) => ({ at, actor, tenantId: tenant, action, target, details }));
    return pageOf(newestFirst, query);
  }
}

function matches(e: AuditEntry, f: AuditFilter): boolean {
  return (f.action === undefined || e.action === f.action)
    && (f.actionPrefix === undefined || e.action.startsWith(f.actionPrefix))
    && (f.actor === undefined || e.actor === f.actor)
    && (f.target === undefined || e.target === f.target)
    && (f.from === undefined || e.at >= f.from)
    && (f.to === undefined || e.at < f.to);
}

import type { AuditEntry } from '../../core/model.ts';
import type { AuditFilter, AuditStore } from '../../core/ports/audit.ts';
import type { Page, PageQuery } from '../../core/ports/paging.ts';
import { copy } from './copy.ts';
import { pageOf } from './paging.ts';

export class MemoryAuditStore implements AuditStore {
  readonly #entries: AuditEntry[] = [];

  async appendAudit(entry: AuditEntry): Promise<void> {
    this.#entries.push(copy(entry));
  }

  async pageAudit(tenantId: string | undefined, query: PageQuery, filter: AuditFilter = {}): Promise<Page<AuditEntry>> {
    const newestFirst = this.#entries.filter((e) => (tenantId === undefined || e.tenantId === tenantId) && matches(e, filter)).reverse();
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

import type { AuditEntry } from '../../core/model.ts';
import type { AuditStore } from '../../core/ports/audit.ts';
import type { Page, PageQuery } from '../../core/ports/paging.ts';
import { copy } from './copy.ts';
import { pageOf } from './paging.ts';

export class MemoryAuditStore implements AuditStore {
  readonly #entries: AuditEntry[] = [];

  async appendAudit(entry: AuditEntry): Promise<void> {
    this.#entries.push(copy(entry));
  }

  async pageAudit(tenantId: string | undefined, query: PageQuery): Promise<Page<AuditEntry>> {
    const newestFirst = this.#entries.filter((e) => tenantId === undefined || e.tenantId === tenantId).reverse();
    return pageOf(newestFirst, query);
  }
}

/** Storage of the audit log. */
import type { AuditEntry } from '../model.ts';
import type { Page, PageQuery } from './paging.ts';

export interface AuditStore {
  appendAudit(entry: AuditEntry): Promise<void>;
  /** Newest first; `tenantId` undefined lists every tenant's entries. */
  pageAudit(tenantId: string | undefined, query: PageQuery): Promise<Page<AuditEntry>>;
}

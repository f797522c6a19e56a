/** Storage of the audit log. */
import type { AuditEntry } from '../model.ts';
import type { Page, PageQuery } from './paging.ts';

/** Which audit entries to list; every member given must match (all are optional). */
export interface AuditFilter {
  /** Exact action (`user.unlock`). */
  action?: string;
  /** Actions starting with this (`user.` for every user change). */
  actionPrefix?: string;
  /** Exact actor (`client:default/admin`, `cli:root`). */
  actor?: string;
  /** Exact target id. */
  target?: string;
  /** Entries at or after this time (ms). */
  from?: number;
  /** Entries before this time (ms). */
  to?: number;
}

export interface AuditStore {
  appendAudit(entry: AuditEntry): Promise<void>;
  /** Newest first; `tenantId` undefined lists every tenant's entries; `filter` keeps only matching entries (and `total` counts those). */
  pageAudit(tenantId: string | undefined, query: PageQuery, filter?: AuditFilter): Promise<Page<AuditEntry>>;
}

/** Storage of a tenant's phone access numbers (seed 001). */
import type { AccessNumber, AuditEntry } from '../model.ts';
import type { Page, PageQuery } from './paging.ts';

/**
 * The writes are management's, each audited: `audit` is appended to the audit
 * chain (ports/audit.ts) in the same transaction as the change; a write that
 * stores nothing (a conflict, a number that does not exist) appends nothing.
 */
export interface AccessNumberStore {
  /** @throws StoreConflictError when the tenant already has this number. */
  createAccessNumber(entry: AccessNumber, audit: AuditEntry): Promise<void>;
  /** False when the tenant has no such number. */
  deleteAccessNumber(tenantId: string, id: string, audit: AuditEntry): Promise<boolean>;
  /** A page ordered by number. */
  pageAccessNumbers(tenantId: string, query: PageQuery): Promise<Page<AccessNumber>>;
  /** Every access number of a tenant, ordered by number, read lazily so exports run in constant memory. */
  iterateAccessNumbers(tenantId: string): AsyncIterable<AccessNumber>;
}

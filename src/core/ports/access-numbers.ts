/** Storage of a tenant's phone access numbers (seed 001). */
import type { AccessNumber } from '../model.ts';
import type { Page, PageQuery } from './paging.ts';

export interface AccessNumberStore {
  /** @throws StoreConflictError when the tenant already has this number. */
  createAccessNumber(entry: AccessNumber): Promise<void>;
  deleteAccessNumber(tenantId: string, id: string): Promise<boolean>;
  /** A page ordered by number. */
  pageAccessNumbers(tenantId: string, query: PageQuery): Promise<Page<AccessNumber>>;
  /** Every access number of a tenant, ordered by number, read lazily so exports run in constant memory. */
  iterateAccessNumbers(tenantId: string): AsyncIterable<AccessNumber>;
}

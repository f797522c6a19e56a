import type { AccessNumber, AuditEntry } from '../../core/model.ts';
import type { MemoryAuditStore } from './audit.ts';
import { StoreConflictError } from '../../core/ports/errors.ts';
import type { AccessNumberStore } from '../../core/ports/access-numbers.ts';
import type { Page, PageQuery } from '../../core/ports/paging.ts';
import { copy, frozenCopy } from './copy.ts';
import { pageOf } from './paging.ts';

export class MemoryAccessNumberStore implements AccessNumberStore {
  readonly #numbers: AccessNumber[] = [];
  readonly #audit: MemoryAuditStore;

  /** @param audit where each write's entry is appended, in the same synchronous step as the write */
  constructor(audit: MemoryAuditStore) {
    this.#audit = audit;
  }

  async createAccessNumber(entry: AccessNumber, audit: AuditEntry): Promise<void> {
    if (this.#numbers.some((n) => n.tenantId === entry.tenantId && n.number === entry.number)) {
      throw new StoreConflictError(`access number '${entry.number}'`);
    }
    this.#numbers.push(copy(entry));
    this.#audit.append(audit);
  }

  async deleteAccessNumber(tenantId: string, id: string, audit: AuditEntry): Promise<boolean> {
    const i = this.#numbers.findIndex((n) => n.tenantId === tenantId && n.id === id);
    if (i === -1) return false;
    this.#numbers.splice(i, 1);
    this.#audit.append(audit);
    return true;
  }

  async pageAccessNumbers(tenantId: string, query: PageQuery): Promise<Page<AccessNumber>> {
    return pageOf(this.#ordered(tenantId), query);
  }

  async *iterateAccessNumbers(tenantId: string): AsyncIterable<AccessNumber> {
    for (const n of this.#ordered(tenantId)) yield frozenCopy(n);
  }

  #ordered(tenantId: string): AccessNumber[] {
    return this.#numbers.filter((n) => n.tenantId === tenantId).sort((a, b) => (a.number < b.number ? -1 : 1));
  }
}

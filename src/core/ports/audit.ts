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

/** An entry as stored in the hash chain (core/audit-chain.ts). */
export interface ChainedAuditEntry extends AuditEntry {
  /** Its position in write order. */
  seq: number;
  /** The hash of the entry before it (the chain's genesis for the first); null on entries from before the chain. */
  prevHash: string | null;
  hash: string | null;
}

export interface AuditChainReader {
  /** Entries after position `after` (from the start when undefined), in write order, at most `limit`. */
  readAuditChain(after: number | undefined, limit: number): Promise<ChainedAuditEntry[]>;
}

export interface AuditStore extends AuditChainReader {
  /**
   * Appends `entry` to the chain: links it to the last entry's hash and stores
   * its own (auditEntryHash), atomically with respect to every other writer,
   * in every process. For what is audited but changes nothing in the database
   * (reads of personal data, rate-limit resets); a stored change is audited
   * by the write that makes it, which takes its entry and appends it in the
   * same transaction.
   */
  appendAudit(entry: AuditEntry): Promise<void>;
  /** Newest first; `tenantId` undefined lists every tenant's entries; `filter` keeps only matching entries (and `total` counts those). */
  pageAudit(tenantId: string | undefined, query: PageQuery, filter?: AuditFilter): Promise<Page<AuditEntry>>;
}

/**
 * The audit log's hash chain: every entry stores the hash of the entry
 * written before it (one chain for the whole installation, in write order)
 * and its own hash over that and its content, so editing an entry breaks its
 * hash, and deleting one breaks the link of the entry after it.
 * `tessera audit verify` walks the chain ({@link verifyAuditChain}).
 *
 * The content is hashed in a canonical JSON form (object keys sorted), since
 * PostgreSQL's jsonb does not keep the order in which `details` was written.
 */
import { createHash } from 'node:crypto';
import type { AuditEntry } from './model.ts';
import type { ChainedAuditEntry, AuditChainReader } from './ports/audit.ts';

/** What the first entry of the chain links to. */
export const AUDIT_CHAIN_GENESIS = '0'.repeat(64);

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The hash an entry that follows `prevHash` stores (SHA-256, hex). */
export function auditEntryHash(prevHash: string, entry: AuditEntry): string {
  return createHash('sha256')
    .update(canonical([prevHash, entry.at, entry.actor, entry.tenantId, entry.action, entry.target, entry.details]))
    .digest('hex');
}

export interface AuditChainBreak {
  /** The position of the entry where the chain breaks (SQLite rowid, PostgreSQL seq). */
  seq: number;
  /**
   * `edited`: the entry's content (or hash) is not what was written;
   * `missing-before`: the entry does not link to the one before it, which was deleted (or the chain's start);
   * `unchained`: an entry without a hash after the chain began (written around the log, or its hash erased).
   */
  problem: 'edited' | 'missing-before' | 'unchained';
  entry: AuditEntry;
}

export interface AuditChainReport {
  ok: boolean;
  /** Entries whose hash and link were checked. */
  verified: number;
  /** Entries written before the chain existed (an older version), at the start of the log. */
  unchained: number;
  /** The first break found, when not ok. */
  break?: AuditChainBreak;
}

const plain = (e: ChainedAuditEntry): AuditEntry => ({ at: e.at, actor: e.actor, tenantId: e.tenantId, action: e.action, target: e.target, details: e.details });

/** Walks the whole chain in write order and reports the first break. */
export async function verifyAuditChain(reader: AuditChainReader, batch = 1000): Promise<AuditChainReport> {
  let previous: string | undefined;
  let verified = 0;
  let unchained = 0;
  let after: number | undefined;
  for (;;) {
    const entries = await reader.readAuditChain(after, batch);
    for (const e of entries) {
      if (e.hash === null) {
        if (previous !== undefined) return { ok: false, verified, unchained, break: { seq: e.seq, problem: 'unchained', entry: plain(e) } };
        unchained++;
        continue;
      }
      if (e.prevHash !== (previous ?? AUDIT_CHAIN_GENESIS)) return { ok: false, verified, unchained, break: { seq: e.seq, problem: 'missing-before', entry: plain(e) } };
      if (auditEntryHash(e.prevHash, e) !== e.hash) return { ok: false, verified, unchained, break: { seq: e.seq, problem: 'edited', entry: plain(e) } };
      previous = e.hash;
      verified++;
    }
    if (entries.length < batch) return { ok: true, verified, unchained };
    after = entries.at(-1)!.seq;
  }
}

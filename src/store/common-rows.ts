/**
 * Row mappings that are the same on SQLite and PostgreSQL (plain text and
 * integer columns). Engine-specific ones (JSON text vs jsonb, arrays) stay in
 * each adapter's rows.ts.
 */
import type { AccessNumber, AuditEntry, LockState } from '../core/model.ts';

export type Row = Record<string, unknown>;

const optionalInt = (v: unknown): number | null => (v == null ? null : Number(v));

export function rowToAccessNumber(r: Row): AccessNumber {
  return {
    tenantId: r.tenant_id as string,
    id: r.id as string,
    number: r.number as string,
    label: r.label as string,
    createdAt: Number(r.created_at),
  };
}

/** `details` arrives as JSON text (SQLite) or already parsed (PostgreSQL jsonb). */
export function rowToAuditEntry(r: Row): AuditEntry {
  return {
    at: Number(r.at),
    actor: r.actor as string,
    tenantId: (r.tenant_id as string | null) ?? null,
    action: r.action as string,
    target: r.target as string,
    details: typeof r.details === 'string' ? JSON.parse(r.details) : (r.details as Record<string, unknown>),
  };
}

/** A missing row is a user who never failed: all zero. */
export function rowToLockState(r: Row | undefined): LockState {
  if (r === undefined) return { failedCount: 0, lockedUntil: null, lastFailureAt: null, lastFailureAddress: null };
  return {
    failedCount: Number(r.failed_count),
    lockedUntil: optionalInt(r.locked_until),
    lastFailureAt: optionalInt(r.last_failure_at),
    lastFailureAddress: (r.last_failure_address as string | null) ?? null,
  };
}

import type { Migration } from '../migration.ts';

export const accessNumbersAndAudit: Migration = {
  version: 2,
  name: 'access numbers, audit log',
  sql: `
    CREATE TABLE access_numbers (
      tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
      id TEXT NOT NULL,
      number TEXT NOT NULL,
      label TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      PRIMARY KEY (tenant_id, id)
    ) STRICT, WITHOUT ROWID;
    CREATE UNIQUE INDEX access_numbers_by_number ON access_numbers (tenant_id, number);

    -- Append-only; rowid orders entries (newest last) even when two share a millisecond.
    CREATE TABLE audit_log (
      at INTEGER NOT NULL,
      actor TEXT NOT NULL,
      tenant_id TEXT,
      action TEXT NOT NULL,
      target TEXT NOT NULL,
      details TEXT NOT NULL
    ) STRICT;
    CREATE INDEX audit_log_by_tenant ON audit_log (tenant_id);
  `,
};

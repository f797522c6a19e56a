import type { Migration } from '../migration.ts';

/** PostgreSQL twin of sqlite/002-access-numbers-and-audit.ts. */
export const accessNumbersAndAudit: Migration = {
  version: 2,
  name: 'access numbers, audit log',
  sql: `
    CREATE TABLE access_numbers (
      tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
      id text NOT NULL,
      number text NOT NULL,
      label text NOT NULL,
      created_at bigint NOT NULL,
      PRIMARY KEY (tenant_id, id)
    );
    CREATE UNIQUE INDEX access_numbers_by_number ON access_numbers (tenant_id, number);

    -- Append-only; seq orders entries even when two share a millisecond.
    CREATE TABLE audit_log (
      seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      at bigint NOT NULL,
      actor text NOT NULL,
      tenant_id text,
      action text NOT NULL,
      target text NOT NULL,
      details jsonb NOT NULL
    );
    CREATE INDEX audit_log_by_tenant ON audit_log (tenant_id, seq);
  `,
};

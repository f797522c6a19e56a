import type { Migration } from '../migration.ts';

/** PostgreSQL twin of sqlite/008-rate-limits.ts. */
export const rateLimits: Migration = {
  version: 9,
  name: 'rate-limit overrides of tenants and clients, lockout of clients with chosen secrets',
  sql: `
    -- NULL (every row before this version) means no overrides.
    ALTER TABLE tenants ADD COLUMN rate_limit jsonb;
    ALTER TABLE clients ADD COLUMN rate_limit jsonb;

    CREATE TABLE client_lockouts (
      tenant_id text NOT NULL,
      client_id text NOT NULL,
      failed_count integer NOT NULL,
      locked_until bigint,
      last_failure_at bigint,
      last_failure_address text,
      PRIMARY KEY (tenant_id, client_id),
      FOREIGN KEY (tenant_id, client_id) REFERENCES clients (tenant_id, id) ON DELETE CASCADE
    );
  `,
};

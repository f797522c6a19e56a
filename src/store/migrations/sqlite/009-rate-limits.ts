import type { Migration } from '../migration.ts';

export const rateLimits: Migration = {
  version: 9,
  name: 'rate-limit overrides of tenants and clients, lockout of clients with chosen secrets',
  sql: `
    -- JSON (core/rate-limit/overrides.ts); NULL (every row before this version) means no overrides.
    ALTER TABLE tenants ADD COLUMN rate_limit TEXT;
    ALTER TABLE clients ADD COLUMN rate_limit TEXT;

    -- One row per client with an operator-chosen secret that ever failed; counted by single upsert statements,
    -- as user_lockouts, so every process on the database shares the count.
    CREATE TABLE client_lockouts (
      tenant_id TEXT NOT NULL,
      client_id TEXT NOT NULL,
      failed_count INTEGER NOT NULL,
      locked_until INTEGER,
      last_failure_at INTEGER,
      last_failure_address TEXT,
      PRIMARY KEY (tenant_id, client_id),
      FOREIGN KEY (tenant_id, client_id) REFERENCES clients (tenant_id, id) ON DELETE CASCADE
    ) STRICT, WITHOUT ROWID;
  `,
};

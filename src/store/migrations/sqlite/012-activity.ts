import type { Migration } from '../migration.ts';

/**
 * Per-minute activity counts (tokens issued, error answers) that every
 * process adds to. No foreign key to tenants: a batch counted for a tenant
 * deleted meanwhile must still be written; old minutes are purged instead.
 */
export const activity: Migration = {
  version: 12,
  name: 'activity: per-minute counts of tokens issued and error answers',
  sql: `
    CREATE TABLE activity (
      tenant_id TEXT NOT NULL,
      minute INTEGER NOT NULL,
      kind TEXT NOT NULL CHECK (kind IN ('issued', 'error')),
      name TEXT NOT NULL,
      client_id TEXT NOT NULL,
      count INTEGER NOT NULL,
      PRIMARY KEY (tenant_id, minute, kind, name, client_id)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX activity_by_minute ON activity (minute);
  `,
};

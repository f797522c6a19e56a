import type { Migration } from '../migration.ts';

/** Twin of sqlite/008-activity.ts: per-minute activity counts every process adds to, purged by age. */
export const activity: Migration = {
  version: 12,
  name: 'activity: per-minute counts of tokens issued and error answers',
  sql: `
    CREATE TABLE activity (
      tenant_id text NOT NULL,
      minute bigint NOT NULL,
      kind text NOT NULL CHECK (kind IN ('issued', 'error')),
      name text NOT NULL,
      client_id text NOT NULL,
      count bigint NOT NULL,
      PRIMARY KEY (tenant_id, minute, kind, name, client_id)
    );
    CREATE INDEX activity_by_minute ON activity (minute);
  `,
};

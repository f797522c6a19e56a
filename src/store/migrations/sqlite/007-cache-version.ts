import type { Migration } from '../migration.ts';

/**
 * Twin of postgres/007-cache-version.ts, which gives PostgreSQL's read cache
 * a change counter. SQLite has its own (`PRAGMA data_version` and the read
 * cache's TEMP triggers, sqlite/read-cache.ts), so this version changes
 * nothing here; it exists so both engines count the same versions.
 */
export const cacheVersion: Migration = {
  version: 7,
  name: 'cache_version, raised by every write to tenants, tenant hosts and clients',
  sql: `SELECT 1;`,
};

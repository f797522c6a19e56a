import type { Migration } from '../migration.ts';

/**
 * Twin of postgres/014-cache-notify.ts, which makes PostgreSQL's cache
 * counter also send a notification. SQLite's cache reads its counters in
 * process (013-cache-counters.ts), so this version changes nothing here; it
 * exists so both engines count the same versions.
 */
export const cacheNotify: Migration = {
  version: 14,
  name: 'cache_version raises also notify channel tessera_cache',
  sql: `SELECT 1;`,
};

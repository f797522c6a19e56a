import type { Migration } from '../migration.ts';

/**
 * Twin of sqlite/013-cache-counters.ts. PostgreSQL's read cache already has
 * its counter (007-cache-version.ts) and caches no tokens, so this version
 * changes nothing here; it exists so both engines count the same versions.
 */
export const cacheCounters: Migration = {
  version: 13,
  name: 'cache_version: change counters for the directory tables and for token updates and deletes',
  sql: `SELECT 1;`,
};

import type { Migration } from '../migration.ts';

/**
 * Twin of postgres/015-token-notify.ts. SQLite's token region is kept
 * coherent by its counters (013-cache-counters.ts), so this version changes
 * nothing here; it exists so both engines count the same versions.
 */
export const tokenNotify: Migration = {
  version: 15,
  name: 'updates and deletes of tokens notify channel tessera_tokens',
  sql: `SELECT 1;`,
};

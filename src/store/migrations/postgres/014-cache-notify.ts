import type { Migration } from '../migration.ts';

/**
 * Every raise of `cache_version` (migration 7) also notifies channel
 * `tessera_cache`, with the written table's schema as payload (several
 * installs may share a database, one schema each). An instance listening on
 * the channel keeps its cached tenants and clients until told, instead of
 * reading the counter on every event-loop turn (postgres/read-cache.ts). The
 * notification is sent at commit, and only if the transaction commits.
 */
export const cacheNotify: Migration = {
  version: 14,
  name: 'cache_version raises also notify channel tessera_cache',
  sql: `
    CREATE OR REPLACE FUNCTION tessera_raise_cache_version() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      EXECUTE format('UPDATE %I.cache_version SET n = n + 1 WHERE id = 1', TG_TABLE_SCHEMA);
      PERFORM pg_notify('tessera_cache', TG_TABLE_SCHEMA);
      RETURN NULL;
    END
    $$;
  `,
};

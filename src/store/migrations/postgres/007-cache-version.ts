import type { Migration } from '../migration.ts';

/**
 * A counter that every write to `tenants`, `tenant_hosts` or `clients`
 * raises, in the writer's own transaction, so that each instance's read cache
 * of those rows (postgres/read-cache.ts) learns of any instance's change with
 * one small query per event-loop turn, as SQLite's cache does with
 * `PRAGMA data_version`.
 */
export const cacheVersion: Migration = {
  version: 7,
  name: 'cache_version, raised by every write to tenants, tenant hosts and clients',
  sql: `
    CREATE TABLE cache_version (
      id smallint PRIMARY KEY CHECK (id = 1),
      n bigint NOT NULL
    );
    INSERT INTO cache_version (id, n) VALUES (1, 0);
    -- The counter of the written table's own schema, whatever the writing session's search_path
    -- (several installs may share a database, one schema each).
    CREATE FUNCTION tessera_raise_cache_version() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      EXECUTE format('UPDATE %I.cache_version SET n = n + 1 WHERE id = 1', TG_TABLE_SCHEMA);
      RETURN NULL;
    END
    $$;
    CREATE TRIGGER tenants_cache_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON tenants
      FOR EACH STATEMENT EXECUTE FUNCTION tessera_raise_cache_version();
    CREATE TRIGGER tenant_hosts_cache_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON tenant_hosts
      FOR EACH STATEMENT EXECUTE FUNCTION tessera_raise_cache_version();
    CREATE TRIGGER clients_cache_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON clients
      FOR EACH STATEMENT EXECUTE FUNCTION tessera_raise_cache_version();
  `,
};

import type { Migration } from '../migration.ts';

/**
 * Change counters for the read cache (sqlite/read-cache.ts), raised by
 * triggers in the writer's own transaction, whichever connection writes:
 *
 * - id 1, the directory: every write to `tenants`, `tenant_hosts`, `clients`;
 * - id 2, token changes: every update or delete of a `tokens` row (a
 *   revocation, a consumed refresh token, the purge). Inserts are not
 *   counted: an insert changes no row anyone has read, and counting it would
 *   add a write to every token issued.
 *
 * `PRAGMA data_version` moves on every other connection's commit, tokens
 * included, so with several processes on one file a cache keyed on it was
 * dropped on nearly every turn. A table rebuilt by a later migration must
 * recreate its trigger here.
 */
export const cacheCounters: Migration = {
  version: 13,
  name: 'cache_version: change counters for the directory tables and for token updates and deletes',
  sql: `
    CREATE TABLE cache_version (
      id INTEGER PRIMARY KEY CHECK (id IN (1, 2)),
      n INTEGER NOT NULL
    ) STRICT;
    INSERT INTO cache_version (id, n) VALUES (1, 0), (2, 0);
    CREATE TRIGGER tenants_insert_cache_version AFTER INSERT ON tenants BEGIN UPDATE cache_version SET n = n + 1 WHERE id = 1; END;
    CREATE TRIGGER tenants_update_cache_version AFTER UPDATE ON tenants BEGIN UPDATE cache_version SET n = n + 1 WHERE id = 1; END;
    CREATE TRIGGER tenants_delete_cache_version AFTER DELETE ON tenants BEGIN UPDATE cache_version SET n = n + 1 WHERE id = 1; END;
    CREATE TRIGGER tenant_hosts_insert_cache_version AFTER INSERT ON tenant_hosts BEGIN UPDATE cache_version SET n = n + 1 WHERE id = 1; END;
    CREATE TRIGGER tenant_hosts_update_cache_version AFTER UPDATE ON tenant_hosts BEGIN UPDATE cache_version SET n = n + 1 WHERE id = 1; END;
    CREATE TRIGGER tenant_hosts_delete_cache_version AFTER DELETE ON tenant_hosts BEGIN UPDATE cache_version SET n = n + 1 WHERE id = 1; END;
    CREATE TRIGGER clients_insert_cache_version AFTER INSERT ON clients BEGIN UPDATE cache_version SET n = n + 1 WHERE id = 1; END;
    CREATE TRIGGER clients_update_cache_version AFTER UPDATE ON clients BEGIN UPDATE cache_version SET n = n + 1 WHERE id = 1; END;
    CREATE TRIGGER clients_delete_cache_version AFTER DELETE ON clients BEGIN UPDATE cache_version SET n = n + 1 WHERE id = 1; END;
    CREATE TRIGGER tokens_update_cache_version AFTER UPDATE ON tokens BEGIN UPDATE cache_version SET n = n + 1 WHERE id = 2; END;
    CREATE TRIGGER tokens_delete_cache_version AFTER DELETE ON tokens BEGIN UPDATE cache_version SET n = n + 1 WHERE id = 2; END;
  `,
};

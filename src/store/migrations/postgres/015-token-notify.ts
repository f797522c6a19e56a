import type { Migration } from '../migration.ts';

/**
 * Every update or delete of `tokens` (a revocation, a consumed refresh
 * token, the purge, a change by hand) notifies channel `tessera_tokens` at
 * commit, with the table's schema as payload, so an instance listening
 * (postgres/cache-listener.ts) can keep token records between changes
 * (postgres/token-cache.ts). Inserts are not notified: they change no record
 * anyone holds.
 */
export const tokenNotify: Migration = {
  version: 15,
  name: 'updates and deletes of tokens notify channel tessera_tokens',
  sql: `
    CREATE FUNCTION tessera_notify_token_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('tessera_tokens', TG_TABLE_SCHEMA);
      RETURN NULL;
    END
    $$;
    CREATE TRIGGER tokens_notify AFTER UPDATE OR DELETE OR TRUNCATE ON tokens
      FOR EACH STATEMENT EXECUTE FUNCTION tessera_notify_token_change();
  `,
};

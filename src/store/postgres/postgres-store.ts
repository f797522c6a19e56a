/**
 * The store for several Tessera processes on one PostgreSQL: every concern
 * over one `pg` pool, the schema migrated on open under an advisory lock.
 * Tenants and clients are cached in the process, coherent across instances
 * (read-cache.ts); everything else is read from the database.
 *
 * The schema is the first one on the connection's search_path; to use a
 * dedicated one, add `?options=-c%20search_path%3Dtessera` to the URL.
 */
import { POSTGRES_MIGRATIONS } from '../migrations/postgres/index.ts';
import type { Migration, MigrationResult } from '../migrations/migration.ts';
import type { Store } from '../store.ts';
import { refuseUnstorableText } from '../storable-text.ts';
import { PostgresAccessNumberStore } from './access-numbers.ts';
import { PostgresActivityStore } from './activity.ts';
import { PostgresAuditStore } from './audit.ts';
import { PostgresClientStore } from './clients.ts';
import { PostgresDatabase, statement, type PostgresDatabaseOptions } from './database.ts';
import { PostgresKeyStore } from './keys.ts';
import { CLIENT_LOCKOUTS, PostgresLockoutStore } from './lockouts.ts';
import { PostgresUserStore } from './users.ts';
import { migratePostgres } from './migrate.ts';
import { PostgresTenantStore } from './tenants.ts';
import { PostgresTokenStore } from './tokens.ts';
import { PostgresReadCache } from './read-cache.ts';
import { CacheListener } from './cache-listener.ts';
import { PostgresTokenCache } from './token-cache.ts';

export interface PostgresStoreOptions extends Omit<PostgresDatabaseOptions, 'poolSize'> {
  /** Most connections this process holds; default 10. */
  poolSize?: number;
  /** Told of each migration as it is applied. */
  onMigration?: (migration: Migration) => void;
  /** Whether the read cache listens for change notifications (default) or checks the database every event-loop turn. */
  cacheNotifications?: boolean;
}

const SCHEMA_VERSION = statement('schema_version', 'SELECT coalesce(max(version), 0)::integer AS v FROM schema_migrations');

export type PostgresStore = Store & { schemaVersion: number; migration: MigrationResult };

/**
 * Connects, migrates, and returns the store.
 * @throws StoreUnavailableError when the database cannot be reached or refuses the connection (message without password).
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<PostgresStore> {
  const db = new PostgresDatabase({ ...options, poolSize: options.poolSize ?? 10 });
  let migration: MigrationResult;
  try {
    migration = await db.withClient((client) => migratePostgres(client, POSTGRES_MIGRATIONS, Date.now(), options.onMigration));
  } catch (error) {
    await db.end();
    throw error;
  }
  // Tenants and clients are read on every token request: cached, coherent across instances (read-cache.ts).
  const cache = new PostgresReadCache(db);
  const tokenCache = new PostgresTokenCache();
  const listener =
    options.cacheNotifications === false
      ? undefined
      : new CacheListener({
          connectionString: options.connectionString,
          connectionTimeoutMs: options.connectionTimeoutMs,
          onChange: (rows) => (rows === 'directory' ? cache.changed() : tokenCache.changed()),
          onListening: (listening) => {
            cache.listening(listening);
            tokenCache.listening(listening);
          },
          onError: options.onBackgroundError,
        });
  listener?.start();
  const tokens = new PostgresTokenStore(db, tokenCache);
  return refuseUnstorableText({
    kind: 'postgres',
    schemaVersion: migration.to,
    migration,
    tenants: new PostgresTenantStore(db, cache),
    clients: new PostgresClientStore(db, cache),
    tokens,
    keys: new PostgresKeyStore(db, cache),
    accessNumbers: new PostgresAccessNumberStore(db),
    audit: new PostgresAuditStore(db),
    activity: new PostgresActivityStore(db),
    users: new PostgresUserStore(db),
    lockouts: new PostgresLockoutStore(db),
    clientLockouts: new PostgresLockoutStore(db, CLIENT_LOCKOUTS),
    async ping() {
      await db.query('SELECT 1');
    },
    async schemaStatus() {
      const { rows } = await db.query<{ v: number }>(SCHEMA_VERSION);
      return { version: rows[0]?.v ?? 0, latest: POSTGRES_MIGRATIONS.length };
    },
    stats() {
      return { poolTotal: db.pool.totalCount, poolIdle: db.pool.idleCount, poolWaiting: db.pool.waitingCount };
    },
    async close() {
      // Queued token inserts are written (or fail) before the pool goes.
      await tokens.settle();
      await listener?.close();
      await db.end();
    },
  });
}

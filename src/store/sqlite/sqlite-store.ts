/**
 * The embedded default store: one SQLite file through `node:sqlite`, in WAL
 * mode so readers never wait for the writer. Statements are prepared once.
 * The driver is synchronous; each call is microseconds on a local file, far
 * cheaper than handing work to a thread.
 */
import { DatabaseSync } from 'node:sqlite';
import { SQLITE_MIGRATIONS } from '../migrations/sqlite/index.ts';
import type { MigrationResult } from '../migrations/migration.ts';
import type { Store } from '../types.ts';
import { SqliteAccessNumberStore } from './access-numbers.ts';
import { SqliteAuditStore } from './audit.ts';
import { SqliteClientStore } from './clients.ts';
import { SqliteKeyStore } from './keys.ts';
import { SqliteLockoutStore } from './lockouts.ts';
import { migrateSqlite } from './migrate.ts';
import { SqliteTenantStore } from './tenants.ts';
import { ReadCache } from './read-cache.ts';
import { SqliteTokenStore } from './tokens.ts';
import { SqliteUserStore } from './users.ts';

export interface SqliteStoreOptions {
  /** File path, or `:memory:`. */
  path: string;
  /** Milliseconds to wait for another process's write lock before failing. */
  busyTimeoutMs?: number;
}

export function openSqliteStore(options: SqliteStoreOptions): Store & { schemaVersion: number; migration: MigrationResult } {
  const db = new DatabaseSync(options.path);
  db.exec(`
    PRAGMA journal_mode = WAL;
    PRAGMA synchronous = NORMAL;
    PRAGMA foreign_keys = ON;
    PRAGMA busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 5000)};
  `);
  const migration = migrateSqlite(db, SQLITE_MIGRATIONS, Date.now());
  const ping = db.prepare('SELECT 1');
  const tokens = new SqliteTokenStore(db);
  const cache = new ReadCache(db);
  return {
    kind: 'sqlite',
    schemaVersion: migration.to,
    migration,
    tenants: new SqliteTenantStore(db, cache),
    clients: new SqliteClientStore(db, cache),
    users: new SqliteUserStore(db),
    lockouts: new SqliteLockoutStore(db),
    tokens,
    keys: new SqliteKeyStore(db),
    accessNumbers: new SqliteAccessNumberStore(db),
    audit: new SqliteAuditStore(db),
    async ping() {
      ping.get();
    },
    async close() {
      if (db.isOpen) tokens.flush();
      if (db.isOpen) db.close();
    },
  };
}

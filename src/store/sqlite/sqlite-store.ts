/**
 * The embedded default store: one SQLite file through `node:sqlite`, in WAL
 * mode so readers never wait for the writer. Statements are prepared once.
 * The driver is synchronous; each call is microseconds on a local file, far
 * cheaper than handing work to a thread.
 */
import { DatabaseSync } from 'node:sqlite';
import { SQLITE_MIGRATIONS } from '../migrations/sqlite/index.ts';
import type { Store } from '../types.ts';
import { SqliteClientStore } from './clients.ts';
import { SqliteKeyStore } from './keys.ts';
import { migrateSqlite } from './migrate.ts';
import { ReadCache } from './read-cache.ts';
import { SqliteTenantStore } from './tenants.ts';
import { SqliteTokenStore } from './tokens.ts';

export interface SqliteStoreOptions {
  /** File path, or `:memory:`. */
  path: string;
  /** Milliseconds to wait for another process's write lock before failing. */
  busyTimeoutMs?: number;
}

export function openSqliteStore(options: SqliteStoreOptions): Store & { schemaVersion: number } {
  const db = new DatabaseSync(options.path);
  db.exec(`
    PRAGMA journal_mode = WAL;
    PRAGMA synchronous = NORMAL;
    PRAGMA foreign_keys = ON;
    PRAGMA busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 5000)};
  `);
  const schemaVersion = migrateSqlite(db, SQLITE_MIGRATIONS, Date.now());
  const ping = db.prepare('SELECT 1');
  const tokens = new SqliteTokenStore(db);
  const cache = new ReadCache(db);
  return {
    kind: 'sqlite',
    schemaVersion,
    tenants: new SqliteTenantStore(db, cache),
    clients: new SqliteClientStore(db, cache),
    tokens,
    keys: new SqliteKeyStore(db),
    async ping() {
      ping.get();
    },
    async close() {
      if (db.isOpen) tokens.flush();
      if (db.isOpen) db.close();
    },
  };
}

/**
 * The embedded default store: one SQLite file through `node:sqlite`, in WAL
 * mode so readers never wait for the writer. Statements are prepared once.
 * The driver is synchronous; each call is microseconds on a local file, far
 * cheaper than handing work to a thread. The exception is the WAL checkpoint
 * (milliseconds of copying and an fsync), which the server runs in a worker
 * thread (checkpointer.ts).
 */
import { statSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { SQLITE_MIGRATIONS } from '../migrations/sqlite/index.ts';
import type { Migration, MigrationResult } from '../migrations/migration.ts';
import type { Store } from '../store.ts';
import { refuseUnstorableText } from '../storable-text.ts';
import { SqliteAccessNumberStore } from './access-numbers.ts';
import { SqliteActivityStore } from './activity.ts';
import { startBackgroundCheckpointer, type BackgroundCheckpointer } from './checkpointer.ts';
import { SqliteAuditChain, SqliteAuditStore } from './audit.ts';
import { SqliteClientStore } from './clients.ts';
import { SqliteKeyStore } from './keys.ts';
import { CLIENT_LOCKOUTS, SqliteLockoutStore } from './lockouts.ts';
import { migrateSqlite } from './migrate.ts';
import { sqliteOpenFailure } from './open-failure.ts';
import { SqliteTenantStore } from './tenants.ts';
import { createPrivately } from './database.ts';
import { ReadCache } from './read-cache.ts';
import { SqliteTokenStore } from './tokens.ts';
import { SqliteUserStore } from './users.ts';

/** Token records (a few hundred bytes each) remembered between writes: a few MB at most. */
const TOKEN_CACHE_ENTRIES = 10_000;

/**
 * What a committed write survives (config `durability`): `process-crash`
 * (WAL, `synchronous = NORMAL`: the WAL is written at each commit but synced
 * only at checkpoints, so a commit survives the process dying and may be lost
 * with the machine) or `power-loss` (`synchronous = FULL`: the WAL is synced
 * at each commit, so an answered token survives an OS crash or power loss).
 */
export type Durability = 'process-crash' | 'power-loss';

export interface SqliteStoreOptions {
  /** File path, or `:memory:`. */
  path: string;
  /** What a commit survives; default `process-crash`. */
  durability?: Durability;
  /** Milliseconds to wait for another process's write lock before failing. */
  busyTimeoutMs?: number;
  /** Checkpoint the WAL from a worker thread at this interval (checkpointer.ts); 0 or absent: SQLite's own. */
  checkpointIntervalMs?: number;
  /** How long one check of the read cache against the database speaks for (ms; read-cache.ts; default 1). */
  cacheCheckMaxAgeMs?: number;
  /** Told when a background checkpoint fails (the next pass retries; SQLite's own checkpoints remain as a fallback). */
  onBackgroundError?: (error: Error) => void;
  /** Told of each migration as it is applied. */
  onMigration?: (migration: Migration) => void;
}

/** The file opened and set up, or a DatabaseOpenError naming the path and what is wrong with it. */
function openDatabase(path: string, busyTimeoutMs: number, durability: Durability): DatabaseSync {
  let db: DatabaseSync | undefined;
  try {
    createPrivately(path);
    db = new DatabaseSync(path);
    // The first statement reads the file: a file that is not a database fails here.
    db.exec(`
      PRAGMA journal_mode = WAL;
      PRAGMA synchronous = ${durability === 'power-loss' ? 'FULL' : 'NORMAL'};
      PRAGMA foreign_keys = ON;
      PRAGMA busy_timeout = ${Math.trunc(busyTimeoutMs)};
    `);
    return db;
  } catch (error) {
    if (db?.isOpen) db.close();
    throw sqliteOpenFailure(path, error) ?? error;
  }
}

export function openSqliteStore(
  options: SqliteStoreOptions,
): Store & { schemaVersion: number; migration: MigrationResult; checkpointer: BackgroundCheckpointer | undefined } {
  const db = openDatabase(options.path, options.busyTimeoutMs ?? 5000, options.durability ?? 'process-crash');
  const migration = migrateSqlite(db, SQLITE_MIGRATIONS, Date.now(), options.onMigration);
  const checkpointer =
    options.checkpointIntervalMs && options.path !== ':memory:'
      ? startBackgroundCheckpointer(db, { path: options.path, intervalMs: options.checkpointIntervalMs, onError: options.onBackgroundError })
      : undefined;
  const ping = db.prepare('SELECT 1');
  const version = db.prepare('SELECT MAX(version) AS v FROM schema_migrations');
  const cache = new ReadCache(db, { maxCheckAgeMs: options.cacheCheckMaxAgeMs });
  const tokens = new SqliteTokenStore(db, cache.region(TOKEN_CACHE_ENTRIES, 'tokens'));
  // Every audited write appends its entry through this, in the write's own transaction.
  const chain = new SqliteAuditChain(db);
  return refuseUnstorableText({
    kind: 'sqlite',
    schemaVersion: migration.to,
    migration,
    tenants: new SqliteTenantStore(db, chain, cache),
    clients: new SqliteClientStore(db, chain, cache),
    users: new SqliteUserStore(db, chain),
    lockouts: new SqliteLockoutStore(db, chain),
    clientLockouts: new SqliteLockoutStore(db, chain, CLIENT_LOCKOUTS),
    tokens,
    keys: new SqliteKeyStore(db, chain, cache),
    accessNumbers: new SqliteAccessNumberStore(db, chain),
    audit: new SqliteAuditStore(db, chain),
    activity: new SqliteActivityStore(db),
    async ping() {
      ping.get();
    },
    async schemaStatus() {
      return { version: Number((version.get() as { v: number | null }).v ?? 0), latest: SQLITE_MIGRATIONS.length };
    },
    stats() {
      if (options.path === ':memory:') return {};
      // The WAL keeps its size after a checkpoint (SQLite reuses it from the start); what it holds unwritten is small then.
      return { walBytes: statSync(`${options.path}-wal`, { throwIfNoEntry: false })?.size ?? 0 };
    },
    checkpointer,
    async close() {
      await checkpointer?.stop();
      if (db.isOpen) tokens.flush();
      if (db.isOpen) db.close();
    },
  });
}

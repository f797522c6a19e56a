import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { DatabaseOpenError } from './database-open-error.ts';
import type { Migration, MigrationResult } from './migrations/migration.ts';
import { isPostgresUrl, redactConnectionString } from './postgres/connection-string.ts';
import { openPostgresStore } from './postgres/postgres-store.ts';
import { openSqliteStore, type Durability } from './sqlite/sqlite-store.ts';
import type { Store } from './store.ts';

export interface OpenStoreOptions {
  /** Most PostgreSQL connections this process holds (ignored for SQLite). */
  poolSize?: number;
  /** SQLite: what a commit survives (config `durability`); PostgreSQL's is the server's own `synchronous_commit`. */
  durability?: Durability;
  /** PostgreSQL: longest a query waits for its answer before failing as unavailable (ignored for SQLite). */
  queryTimeoutMs?: number;
  /** Told about errors on idle PostgreSQL connections, which the pool recovers from by itself, and failed background checkpoints. */
  onBackgroundError?: (error: Error) => void;
  /** SQLite: checkpoint the WAL from a worker thread at this interval (the server does; 0 or absent: SQLite's own). */
  checkpointIntervalMs?: number;
  /**
   * Whether a SQLite file that does not exist yet is created (default true).
   * Commands that only manage an existing installation pass false, so a
   * mistyped path is an error instead of a new, empty database.
   */
  create?: boolean;
  /** Told of each migration as it is applied, in order. */
  onMigration?: (migration: Migration) => void;
  /** PostgreSQL: told of each query (statement name, seconds, error if it failed), for metrics. */
  onQuery?: (statement: string, seconds: number, error: unknown) => void;
}

/** An opened database: its store, migrated, and what migrating did. */
export type OpenedStore = Store & { migration: MigrationResult };

/**
 * Opens the store a `database` setting names — a `postgres://` URL, or a
 * SQLite file path or `:memory:` — and migrates its schema to this build's.
 * @throws StoreUnavailableError when PostgreSQL cannot be reached.
 * @throws DatabaseOpenError when a SQLite file cannot be opened, or does not exist and `create` is false.
 */
export async function openStore(database: string, options: OpenStoreOptions = {}): Promise<OpenedStore> {
  if (isPostgresUrl(database)) {
    return openPostgresStore({ connectionString: database, poolSize: options.poolSize, queryTimeoutMs: options.queryTimeoutMs, onBackgroundError: options.onBackgroundError, onMigration: options.onMigration, onQuery: options.onQuery });
  }
  if (options.create === false && database !== ':memory:' && !existsSync(database)) {
    throw new DatabaseOpenError(`no database at ${resolve(database)}; only 'tessera init', 'serve' and 'migrate' create one (check --db, TESSERA_DB or the config file's "database")`);
  }
  return openSqliteStore({ path: database, durability: options.durability, checkpointIntervalMs: options.checkpointIntervalMs, onBackgroundError: options.onBackgroundError, onMigration: options.onMigration });
}

/** The `database` setting as it may be shown in logs and messages: PostgreSQL passwords masked, SQLite files as absolute paths. */
export function displayDatabase(database: string): string {
  if (isPostgresUrl(database)) return redactConnectionString(database);
  return database === ':memory:' ? database : resolve(database);
}

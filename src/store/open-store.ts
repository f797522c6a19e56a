import type { Migration, MigrationResult } from './migrations/migration.ts';
import { isPostgresUrl, redactConnectionString } from './postgres/connection-string.ts';
import { openPostgresStore } from './postgres/postgres-store.ts';
import { openSqliteStore } from './sqlite/sqlite-store.ts';
import type { Store } from './store.ts';

export interface OpenStoreOptions {
  /** Most PostgreSQL connections this process holds (ignored for SQLite). */
  poolSize?: number;
  /** Told about errors on idle PostgreSQL connections, which the pool recovers from by itself, and failed background checkpoints. */
  onBackgroundError?: (error: Error) => void;
  /** SQLite: checkpoint the WAL from a worker thread at this interval (the server does; 0 or absent: SQLite's own). */
  checkpointIntervalMs?: number;
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
 */
export async function openStore(database: string, options: OpenStoreOptions = {}): Promise<OpenedStore> {
  if (isPostgresUrl(database)) {
    return openPostgresStore({ connectionString: database, poolSize: options.poolSize, onBackgroundError: options.onBackgroundError, onMigration: options.onMigration, onQuery: options.onQuery });
  }
  return openSqliteStore({ path: database, checkpointIntervalMs: options.checkpointIntervalMs, onBackgroundError: options.onBackgroundError, onMigration: options.onMigration });
}

/** The `database` setting as it may be shown in logs and messages: PostgreSQL passwords masked. */
export function displayDatabase(database: string): string {
  return isPostgresUrl(database) ? redactConnectionString(database) : database;
}

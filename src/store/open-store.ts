import type { MigrationResult } from './migrations/migration.ts';
import { isPostgresUrl, redactConnectionString } from './postgres/connection-string.ts';
import { openSqliteStore } from './sqlite/sqlite-store.ts';
import type { Store } from './types.ts';

/** An opened database: its store, migrated, and what migrating did. */
export type OpenedStore = Store & { migration: MigrationResult };

/** Opens the store a `database` setting names: a SQLite file path or `:memory:`, migrated to this build's schema. */
export async function openStore(database: string): Promise<OpenedStore> {
  if (isPostgresUrl(database)) {
    throw new Error('PostgreSQL is not supported by this build yet; use a SQLite file path');
  }
  return openSqliteStore({ path: database });
}

/** The `database` setting as it may be shown in logs and messages: PostgreSQL passwords masked. */
export function displayDatabase(database: string): string {
  return isPostgresUrl(database) ? redactConnectionString(database) : database;
}

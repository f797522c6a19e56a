/**
 * What `tessera migrate status` shows: the migrations a database has applied
 * (with when) and those this build would still apply, read without changing
 * anything (no migration runs, no file is created).
 */
import { existsSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';
import { StoreUnavailableError } from '../core/ports/errors.ts';
import type { Migration } from './migrations/migration.ts';
import { POSTGRES_MIGRATIONS } from './migrations/postgres/index.ts';
import { SQLITE_MIGRATIONS } from './migrations/sqlite/index.ts';
import { isPostgresUrl, redactConnectionString } from './postgres/connection-string.ts';
import { toStoreError } from './postgres/errors.ts';

export interface AppliedMigration {
  version: number;
  name: string;
  /** ms since the epoch. */
  appliedAt: number;
}

export interface MigrationStatus {
  applied: AppliedMigration[];
  /** This build's migrations the database has not applied, in order. */
  pending: { version: number; name: string }[];
  /** The version this build migrates to. */
  latest: number;
  /** Applied versions this build does not know (a newer release migrated the database). */
  unknown: number[];
}

function status(applied: AppliedMigration[], migrations: readonly Migration[]): MigrationStatus {
  const done = new Set(applied.map((m) => m.version));
  return {
    applied,
    pending: migrations.filter((m) => !done.has(m.version)).map((m) => ({ version: m.version, name: m.name })),
    latest: migrations.length,
    unknown: applied.filter((m) => m.version > migrations.length).map((m) => m.version),
  };
}

function sqliteStatus(path: string): MigrationStatus {
  if (path === ':memory:' || !existsSync(path)) return status([], SQLITE_MIGRATIONS);
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
    if (table === undefined) return status([], SQLITE_MIGRATIONS);
    const rows = db.prepare('SELECT version, name, applied_at FROM schema_migrations ORDER BY version').all() as { version: number; name: string; applied_at: number }[];
    return status(rows.map((r) => ({ version: Number(r.version), name: r.name, appliedAt: Number(r.applied_at) })), SQLITE_MIGRATIONS);
  } finally {
    db.close();
  }
}

async function postgresStatus(url: string): Promise<MigrationStatus> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    const { rows: [exists] } = await client.query<{ t: string | null }>("SELECT to_regclass('schema_migrations')::text AS t");
    if (exists?.t == null) return status([], POSTGRES_MIGRATIONS);
    const { rows } = await client.query<{ version: number; name: string; applied_at: string }>('SELECT version, name, applied_at FROM schema_migrations ORDER BY version');
    return status(rows.map((r) => ({ version: r.version, name: r.name, appliedAt: Number(r.applied_at) })), POSTGRES_MIGRATIONS);
  } catch (error) {
    const mapped = toStoreError(error, redactConnectionString(url));
    throw mapped instanceof StoreUnavailableError ? mapped : error;
  } finally {
    await client.end().catch(() => {});
  }
}

/** The migration status of the database a `database` setting names. */
export function readMigrationStatus(database: string): Promise<MigrationStatus> {
  return isPostgresUrl(database) ? postgresStatus(database) : Promise.resolve(sqliteStatus(database));
}

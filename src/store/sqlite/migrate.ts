import type { DatabaseSync } from 'node:sqlite';
import { pendingMigrations, type Migration, type MigrationResult } from '../migrations/migration.ts';

/**
 * Applies pending migrations inside one `BEGIN IMMEDIATE` transaction: the
 * write lock is taken before the version is read, so two processes opening
 * the same file at once cannot both apply a step.
 * @see ../postgres/migrate.ts for the same mechanism under an advisory lock.
 */
export function migrateSqlite(db: DatabaseSync, migrations: readonly Migration[], now: number, onApplied?: (migration: Migration) => void): MigrationResult {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT`);
  db.exec('BEGIN IMMEDIATE');
  try {
    const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null };
    const from = row.v ?? 0;
    const applied = pendingMigrations(migrations, from);
    const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
    for (const migration of applied) {
      db.exec(migration.sql);
      record.run(migration.version, migration.name, now);
    }
    db.exec('COMMIT');
    // All steps commit together on SQLite: they are reported once they have.
    for (const migration of applied) onApplied?.(migration);
    return { from, to: from + applied.length, applied };
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}

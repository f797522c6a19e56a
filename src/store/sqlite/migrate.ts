import type { DatabaseSync } from 'node:sqlite';
import { assertMigrationOrder, type Migration } from '../migrations/migration.ts';

/**
 * Applies pending migrations inside one `BEGIN IMMEDIATE` transaction: the
 * write lock is taken before the version is read, so two processes opening
 * the same file at once cannot both apply a step.
 * @returns the schema version after migrating.
 */
export function migrateSqlite(db: DatabaseSync, migrations: readonly Migration[], now: number): number {
  assertMigrationOrder(migrations);
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT`);
  db.exec('BEGIN IMMEDIATE');
  try {
    const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null };
    const current = row.v ?? 0;
    if (current > migrations.length) {
      throw new Error(`database schema version ${current} is newer than this Tessera (${migrations.length}); upgrade Tessera`);
    }
    const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
    for (const migration of migrations.slice(current)) {
      db.exec(migration.sql);
      record.run(migration.version, migration.name, now);
    }
    db.exec('COMMIT');
    return migrations.length;
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}

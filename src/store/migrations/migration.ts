/**
 * The versioned schema mechanism every SQL engine shares: an ordered list of
 * migrations per engine (separate SQL, same version numbers and names), a
 * `schema_migrations (version, name, applied_at)` table recording what was
 * applied, and one rule for what to apply next. Each engine's runner only adds
 * its own way of keeping two processes from migrating at once.
 */

/** One versioned schema step. Versions are consecutive integers from 1. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** What a runner did: the version it found, the version it left, the steps between. */
export interface MigrationResult {
  from: number;
  to: number;
  applied: Migration[];
}

/** Checks that a migration list is well-formed: consecutive versions from 1. */
export function assertMigrationOrder(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration ${m.name} has version ${m.version}, expected ${i + 1}`);
  });
}

/**
 * The migrations still to apply to a database at version `current`.
 * A database newer than this build is refused rather than used: an older
 * Tessera cannot know what a newer schema means for the rows it writes.
 */
export function pendingMigrations(migrations: readonly Migration[], current: number): Migration[] {
  assertMigrationOrder(migrations);
  if (current > migrations.length) {
    throw new Error(`database schema version ${current} is newer than this Tessera (${migrations.length}); upgrade Tessera`);
  }
  return migrations.slice(current);
}

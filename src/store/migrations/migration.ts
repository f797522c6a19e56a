/** One versioned schema step. Versions are consecutive integers from 1. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Checks that a migration list is well-formed: consecutive versions from 1. */
export function assertMigrationOrder(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration ${m.name} has version ${m.version}, expected ${i + 1}`);
  });
}

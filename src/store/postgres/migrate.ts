import type { ClientBase } from 'pg';
import { pendingMigrations, type Migration, type MigrationResult } from '../migrations/migration.ts';

/**
 * The advisory lock key: one per schema, so Tessera installs in different
 * schemas of one database (and parallel test runs) never wait for each other,
 * while every process of one install queues behind the first.
 */
const LOCK_KEY = `hashtext('tessera.schema_migrations:' || coalesce(current_schema(), ''))`;

/**
 * Applies pending migrations on one connection while holding a session-level
 * advisory lock: processes that start together wait for the first, then find
 * nothing left to do. Each migration runs in its own transaction with the row
 * that records it (PostgreSQL DDL is transactional), so a failure leaves the
 * schema at the last complete version. If the connection dies, the server
 * releases the lock with the session.
 *
 * @see ../sqlite/migrate.ts for the same mechanism on SQLite.
 * @see https://www.postgresql.org/docs/15/explicit-locking.html#ADVISORY-LOCKS
 */
export async function migratePostgres(client: ClientBase, migrations: readonly Migration[], now: number, onApplied?: (migration: Migration) => void): Promise<MigrationResult> {
  const { rows: [where] } = await client.query<{ schema: string | null }>('SELECT current_schema() AS schema');
  if (where?.schema == null) {
    throw new Error("no schema to create tables in: the connection's search_path names no existing schema; create it first");
  }
  await client.query(`SELECT pg_advisory_lock(${LOCK_KEY})`);
  try {
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL)`);
    const { rows } = await client.query<{ v: number }>('SELECT coalesce(max(version), 0)::integer AS v FROM schema_migrations');
    const from = rows[0]?.v ?? 0;
    const applied = pendingMigrations(migrations, from);
    for (const migration of applied) {
      await client.query('BEGIN');
      try {
        await client.query(migration.sql);
        await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
          migration.version, migration.name, now,
        ]);
        await client.query('COMMIT');
        onApplied?.(migration);
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      }
    }
    return { from, to: from + applied.length, applied };
  } finally {
    // Best effort: on a broken connection the lock went with the session.
    await client.query(`SELECT pg_advisory_unlock(${LOCK_KEY})`).catch(() => {});
  }
}

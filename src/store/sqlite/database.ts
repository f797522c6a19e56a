/** Helpers shared by the SQLite concern stores. */
import { closeSync, openSync } from 'node:fs';
import type { DatabaseSync } from 'node:sqlite';
import { StoreConflictError } from '../../core/ports/errors.ts';

/** Runs `work` in a write transaction (`BEGIN IMMEDIATE` takes the lock up front, so no upgrade deadlock). */
export function inTransaction<T>(db: DatabaseSync, work: () => T): T {
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = work();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}

/**
 * SQL that keeps rows whose JSON `accounts` array shares an element with a
 * JSON array bound twice as parameters (NULL: no filter).
 */
export function accountFilter(column: string): string {
  return `(? IS NULL OR EXISTS (SELECT 1 FROM json_each(${column}) a WHERE a.value IN (SELECT value FROM json_each(?))))`;
}

/** Runs an insert, turning a uniqueness violation into {@link StoreConflictError}. */
export function insertOrConflict(what: string, write: () => unknown): void {
  try {
    write();
  } catch (error) {
    if (error instanceof Error && /UNIQUE constraint failed/.test(error.message)) throw new StoreConflictError(what);
    throw error;
  }
}

/**
 * Creates a database file that does not exist yet readable by its owner alone
 * (0600), before SQLite opens it: SQLite gives the `-wal` and `-shm` files it
 * creates the main file's mode, so they are private too. An existing file
 * keeps the mode its owner gave it.
 */
export function createPrivately(path: string): void {
  if (path === ':memory:' || path.startsWith('file:')) return;
  try {
    closeSync(openSync(path, 'wx', 0o600));
  } catch {
    // It exists (the common case); anything else (no such directory, no permission) is reported by the open that follows.
  }
}

/**
 * Online backup of a SQLite database through SQLite's backup API
 * (`node:sqlite`'s `backup`), safe while servers write to it: the copy is
 * made from a connection of its own, reading one consistent snapshot (in WAL
 * mode a reader never waits for the writer, and the whole copy is one step
 * under one read transaction, so it cannot mix two moments). A plain `cp` of
 * a WAL database misses what is still in the `-wal` file.
 *
 * Each copy is then verified: it opens, passes `PRAGMA integrity_check`, and
 * records a schema version this build knows.
 *
 * @see https://www.sqlite.org/backup.html
 * @see https://nodejs.org/api/sqlite.html#sqlitebackupsourcedb-path-options
 */
import { existsSync, statSync } from 'node:fs';
import { backup, DatabaseSync } from 'node:sqlite';
import { SQLITE_MIGRATIONS } from '../migrations/sqlite/index.ts';
import { createPrivately } from './database.ts';

/** Pages copied per step: all of them, so the copy is one snapshot (SQLite restarts a stepped copy the source changed under). */
const ONE_STEP = 2_147_483_647;

export interface BackupCheck {
  file: string;
  bytes: number;
  /** The schema version the copy records. */
  schemaVersion: number;
  /** Rows of the tokens table (a quick sense of what the copy holds). */
  tokens: number;
}

/** Opens a database file read-only and checks it; throws an Error saying what is wrong. */
export function verifySqliteCopy(file: string): BackupCheck {
  if (!existsSync(file)) throw new Error(`${file} does not exist`);
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(file, { readOnly: true });
  } catch (error) {
    throw new Error(`${file} does not open as a SQLite database: ${(error as Error).message}`);
  }
  try {
    let integrity: string[];
    try {
      integrity = (db.prepare('PRAGMA integrity_check').all() as { integrity_check: string }[]).map((r) => r.integrity_check);
    } catch (error) {
      throw new Error(`${file} is not a readable SQLite database: ${(error as Error).message}`);
    }
    if (integrity.length !== 1 || integrity[0] !== 'ok') throw new Error(`${file} fails SQLite's integrity check: ${integrity.slice(0, 3).join('; ')}`);
    const hasSchema = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get() !== undefined;
    if (!hasSchema) throw new Error(`${file} is not a Tessera database (no schema_migrations table)`);
    const schemaVersion = Number((db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null }).v ?? 0);
    if (schemaVersion > SQLITE_MIGRATIONS.length) {
      throw new Error(`${file} has schema version ${schemaVersion}, newer than this Tessera (${SQLITE_MIGRATIONS.length})`);
    }
    const tokens = Number((db.prepare('SELECT COUNT(*) AS n FROM tokens').get() as { n: number }).n);
    return { file, bytes: statSync(file).size, schemaVersion, tokens };
  } finally {
    db.close();
  }
}

/**
 * Copies the live database `source` to `target` (which must not exist) and
 * verifies the copy, whose schema version must be the source's at the copy.
 */
export async function backupSqlite(source: string, target: string): Promise<BackupCheck> {
  if (!existsSync(source)) throw new Error(`${source} does not exist`);
  if (existsSync(target)) throw new Error(`${target} exists already; name a new file`);
  // A connection of its own, read-write only because a read-only one cannot always read a WAL database; it writes nothing.
  const db = new DatabaseSync(source);
  try {
    db.exec('PRAGMA busy_timeout = 5000');
    // A copy of the database is as private as the database.
    createPrivately(target);
    await backup(db, target, { rate: ONE_STEP });
  } finally {
    db.close();
  }
  return verifySqliteCopy(target);
}

/**
 * Replaces the database `target` with the verified backup `file`, through
 * the backup API again (so a `-wal` file left by the stopped server is
 * handled by SQLite, not deleted by hand). Servers using `target` must be
 * stopped first.
 */
export async function restoreSqlite(file: string, target: string): Promise<BackupCheck> {
  const checked = verifySqliteCopy(file);
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    await backup(db, target, { rate: ONE_STEP });
  } finally {
    db.close();
  }
  return { ...verifySqliteCopy(target), file: target, schemaVersion: checked.schemaVersion };
}

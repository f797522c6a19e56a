/**
 * Why SQLite could not open a file, in words: SQLite itself says only
 * "unable to open database file" (SQLITE_CANTOPEN) or "file is not a
 * database" (SQLITE_NOTADB), so the path is looked at to name the cause.
 */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DatabaseOpenError } from '../database-open-error.ts';

/** SQLite's result codes for the two failures an operator can fix. */
const SQLITE_CANTOPEN = 14;
const SQLITE_NOTADB = 26;

/** The {@link DatabaseOpenError} for a failure opening `path`, or undefined when `error` is not an opening failure. */
export function sqliteOpenFailure(path: string, error: unknown): DatabaseOpenError | undefined {
  const code = (error as { errcode?: unknown }).errcode;
  if (code !== SQLITE_CANTOPEN && code !== SQLITE_NOTADB) return undefined;
  const file = resolve(path);
  const fail = (cause: string) => new DatabaseOpenError(`cannot open the SQLite database ${file}: ${cause}`, { cause: error });
  if (code === SQLITE_NOTADB) return fail('the file is not a SQLite database');
  if (existsSync(file) && statSync(file).isDirectory()) return fail('it is a directory');
  const folder = dirname(file);
  if (!existsSync(folder)) return fail(`the directory ${folder} does not exist`);
  if (!statSync(folder).isDirectory()) return fail(`${folder} is not a directory`);
  try {
    accessSync(existsSync(file) ? file : folder, constants.R_OK | constants.W_OK);
  } catch {
    return fail(existsSync(file) ? 'the file cannot be read and written by this user' : `the directory ${folder} is not writable by this user`);
  }
  return fail(String((error as Error).message));
}

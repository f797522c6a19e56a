import { openSqliteStore } from './sqlite/sqlite-store.ts';
import type { Store } from './types.ts';

/** Opens the store a `database` setting names: a SQLite file path or `:memory:`. */
export async function openStore(database: string): Promise<Store> {
  if (/^postgres(ql)?:\/\//i.test(database)) {
    throw new Error('PostgreSQL is not supported by this build yet; use a SQLite file path');
  }
  return openSqliteStore({ path: database });
}

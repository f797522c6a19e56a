/**
 * The management commands' wiring: the same composition as the server
 * (compose.ts), over the configured database, for the length of one command.
 */
import type { TesseraConfig } from '../config/config.ts';
import { openStore } from '../store/open-store.ts';
import type { Tessera } from './compose.ts';
import { tesseraFor } from './start-server.ts';

/**
 * Runs `work` with the configured database open and the services composed,
 * closing it afterwards whatever happens. A SQLite file that does not exist
 * is refused unless `create` is true (`tessera init`): a mistyped `--db` must
 * not become a new, empty installation.
 */
export async function withTessera<T>(config: TesseraConfig, work: (tessera: Tessera) => Promise<T>, options: { create?: boolean } = {}): Promise<T> {
  const store = await openStore(config.database, { poolSize: 2, create: options.create ?? false });
  try {
    return await work(tesseraFor(config, store));
  } finally {
    await store.close();
  }
}

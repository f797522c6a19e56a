/**
 * The management commands' wiring: the same composition as the server
 * (compose.ts), over the configured database, for the length of one command.
 */
import type { TesseraConfig } from '../config/config.ts';
import type { RateLimitStore } from '../core/ports/rate-limits.ts';
import { openStore } from '../store/open-store.ts';
import type { Tessera } from './compose.ts';
import { openRateLimitStore } from './rate-limit-store.ts';
import { tesseraFor } from './start-server.ts';

/**
 * Runs `work` with the configured database open and the services composed,
 * closing it afterwards whatever happens. With `rateLimitStore`, the
 * configured rate-limit store (a shared Redis) is opened too, for commands
 * that inspect or reset buckets.
 */
export async function withTessera<T>(config: TesseraConfig, work: (tessera: Tessera) => Promise<T>, options: { rateLimitStore?: boolean } = {}): Promise<T> {
  const store = await openStore(config.database, { poolSize: 2 });
  let limits: RateLimitStore | undefined;
  try {
    if (options.rateLimitStore) limits = await openRateLimitStore(config);
    return await work(tesseraFor(config, store, undefined, limits === undefined ? {} : { store: limits }));
  } finally {
    await limits?.close();
    await store.close();
  }
}

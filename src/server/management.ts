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

export interface ManagementOptions {
  /** Create a SQLite file that does not exist (`tessera init`); otherwise a mistyped `--db` is refused rather than becoming a new, empty installation. */
  create?: boolean;
  /** Open the configured rate-limit store (a shared Redis) too, for commands that inspect or reset buckets. */
  rateLimitStore?: boolean;
}

/** Runs `work` with the configured database open and the services composed, closing everything afterwards whatever happens. */
export async function withTessera<T>(config: TesseraConfig, work: (tessera: Tessera) => Promise<T>, options: ManagementOptions = {}): Promise<T> {
  const store = await openStore(config.database, { poolSize: 2, durability: config.durability, create: options.create ?? false });
  let limits: RateLimitStore | undefined;
  try {
    if (options.rateLimitStore) limits = await openRateLimitStore(config);
    return await work(tesseraFor(config, store, limits === undefined ? {} : { rateLimits: { store: limits } }));
  } finally {
    await limits?.close();
    await store.close();
  }
}

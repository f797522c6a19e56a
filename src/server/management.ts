/**
 * The management commands' wiring: the same composition as the server
 * (compose.ts), over the configured database, for the length of one command.
 */
import type { TesseraConfig } from '../config/config.ts';
import type { RateLimitStore } from '../core/ports/rate-limits.ts';
import { openStore } from '../store/open-store.ts';
import type { Tessera } from './compose.ts';
import { prepareKeyEncryption } from './key-encryption.ts';
import { openRateLimitStore } from './rate-limit-store.ts';
import { tesseraFor } from './start-server.ts';

export interface ManagementOptions {
  /** Create a SQLite file that does not exist (`tessera init`); otherwise a mistyped `--db` is refused rather than becoming a new, empty installation. */
  create?: boolean;
  /** Open the configured rate-limit store (a shared Redis) too, for commands that inspect or reset buckets. */
  rateLimitStore?: boolean;
  /** Told, as one sentence, what the command did to the key-encryption key: generated its file, sealed plaintext keys. */
  notice?: (message: string) => void;
}

/** Runs `work` with the configured database open and the services composed, closing everything afterwards whatever happens. */
export async function withTessera<T>(config: TesseraConfig, work: (tessera: Tessera) => Promise<T>, options: ManagementOptions = {}): Promise<T> {
  const store = await openStore(config.database, { poolSize: 2, durability: config.durability, create: options.create ?? false });
  let limits: RateLimitStore | undefined;
  try {
    const sealing = await prepareKeyEncryption(config, store);
    if (sealing.generated !== undefined) {
      options.notice?.(`generated the key-encryption key that seals the signing keys in the database: ${sealing.generated} (mode 0600); back it up with the database, which is useless without it`);
    }
    if (sealing.report.sealed > 0) options.notice?.(`sealed ${sealing.report.sealed} private signing key(s) stored in plaintext under key-encryption key ${sealing.kek.id}`);
    if (options.rateLimitStore) limits = await openRateLimitStore(config);
    return await work(tesseraFor(config, store, { keyEncryption: sealing.kek, ...(limits === undefined ? {} : { rateLimits: { store: limits } }) }));
  } finally {
    await limits?.close();
    await store.close();
  }
}

/**
 * Token records by key, kept in the process while the cache listener
 * (cache-listener.ts) is told of every change to tokens: an update or
 * delete of `tokens` by any instance, or by hand, notifies channel
 * `tessera_tokens` at commit (migration 15), and every record is dropped.
 *
 * A resource server introspecting the same token on every call then costs
 * no query after the first, as with SQLite's token region. Inserts are not
 * notified (that would cost every token issued a notification), so absences
 * are never kept: a token another instance just issued is found at once.
 * While not listening, nothing is kept and every lookup queries.
 *
 * Another instance's revocation is seen once its notification arrives: the
 * listening backend's wake-up and the trip to this process, usually well
 * under a millisecond, so a request that follows the revocation's answer
 * closely may still find the record kept. A record is also kept for at most
 * {@link LISTENING_CHECK_AGE_MS}, the directory cache's safety net: a
 * listener that died without its connection saying so (a silent network
 * loss) can leave a revoked token active that long, never longer. This
 * instance's own writes drop the records before and after they run, and a
 * lookup that raced a drop is not kept.
 */
import type { TokenRecord } from '../../core/model.ts';
import { LISTENING_CHECK_AGE_MS } from './read-cache.ts';

const MAX_ENTRIES = 10_000;

export interface PostgresTokenCacheOptions {
  /** Longest a record is kept, whatever the notifications say (ms). */
  maxAgeMs?: number;
  /** A monotonic clock in ms (tests). */
  now?: () => number;
}

export class PostgresTokenCache {
  readonly #records = new Map<string, { record: Readonly<TokenRecord>; keptAt: number }>();
  #listening = false;
  /** Raised on every drop, so a lookup begun before does not keep what it read. */
  #generation = 0;
  readonly #maxAgeMs: number;
  readonly #now: () => number;

  constructor(options: PostgresTokenCacheOptions = {}) {
    this.#maxAgeMs = options.maxAgeMs ?? LISTENING_CHECK_AGE_MS;
    this.#now = options.now ?? (() => performance.now());
  }

  /** The listener started or stopped: what was kept meanwhile may have missed a notification. */
  listening(listening: boolean): void {
    this.#listening = listening;
    this.changed();
  }

  /** A notification, or a write of this instance: every record is dropped. */
  changed(): void {
    this.#records.clear();
    this.#generation += 1;
  }

  async get(hash: string, load: () => Promise<Readonly<TokenRecord> | undefined>): Promise<Readonly<TokenRecord> | undefined> {
    if (!this.#listening) return load();
    const cached = this.#records.get(hash);
    if (cached !== undefined && this.#now() - cached.keptAt < this.#maxAgeMs) return cached.record;
    const generation = this.#generation;
    const loadedAt = this.#now();
    const record = await load();
    if (record !== undefined && generation === this.#generation && this.#listening) {
      // Bounded the simple way: a full cache starts again.
      if (this.#records.size >= MAX_ENTRIES) this.#records.clear();
      // Aged from when the query began: the row may have changed since then.
      this.#records.set(hash, { record, keptAt: loadedAt });
    } else if (cached !== undefined) {
      this.#records.delete(hash);
    }
    return record;
  }

  /** Runs a write with the records dropped before it and after it commits. */
  async writing<T>(write: () => Promise<T>): Promise<T> {
    this.changed();
    try {
      return await write();
    } finally {
      this.changed();
    }
  }
}

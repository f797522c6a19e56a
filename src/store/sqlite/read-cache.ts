/**
 * A coherent in-process cache of tenant and client rows for the SQLite store.
 *
 * Every token request resolves a tenant and a client: two or three queries
 * whose per-statement cost was a third of the token endpoint's in-process
 * time (docs/benchmarks.md). Those rows change rarely, but a change — a
 * rotated secret, a disabled client — must take effect at once, in this
 * process and in any other process using the same file (a CLI command,
 * another worker). So the cache is checked against the database at the first
 * read of every event-loop turn, and again whenever the last check is more
 * than a millisecond old, in one statement, and dropped whole when anything
 * changed:
 *
 * - `PRAGMA data_version` changes whenever another connection commits
 *   anything. With several processes on one file that is nearly every turn
 *   (each issues tokens), so it only prompts a read of the `cache_version`
 *   counters (migration 13), which triggers raise in the writer's own
 *   transaction: one for every write to `tenants`, `tenant_hosts` and
 *   `clients` (the directory), one for every update or delete of a token.
 *   Only what they say changed is dropped, and remembered token absences
 *   (another connection's insert may end one). A single process never pays
 *   for reading the counters;
 * - TEMP triggers on the directory tables, private to this connection,
 *   count this connection's own writes to them, whatever code makes them;
 * - the tenant and client stores also call {@link ReadCache.invalidate} on
 *   each of their writes, so a write is seen by the very next read, even
 *   within the same turn.
 *
 * A read therefore returns what a query made at most a millisecond earlier,
 * and in the same turn, would have returned: a commit by another process is
 * seen from the next turn on or within a millisecond, as with any read racing
 * a write. (The turn's end is its `cache` phase, runtime/turn.ts; a first read
 * made in the check phase would otherwise have trusted its check through the
 * whole next iteration, hence the age bound.)
 *
 * Rows are cached already mapped (their JSON columns parsed once, not on
 * every request) and deep-frozen, and every caller shares the one value
 * (read-only-fields.ts). Nothing secret is held beyond what
 * the row holds (client secrets are stored only as hashes). Misses are cached
 * too (an unknown Host header is the common case) and the cache is bounded.
 *
 * The token store keeps its records in a {@link CacheRegion} of its own (its
 * own bound, so a burst of distinct tokens cannot push out the tenants and
 * clients), checked by the same statement: its values are dropped when a
 * token changes, its absences also when another connection commits.
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { eventLoopTurn, type Turn } from '../../runtime/turn.ts';
import { CacheRegion } from './cache-region.ts';

const DIRECTORY_TABLES = ['tenants', 'tenant_hosts', 'clients'];
const MAX_ENTRIES = 10_000;
/** How long one check speaks for, at most (ms), by default. */
export const DEFAULT_MAX_CHECK_AGE_MS = 1;

export interface ReadCacheOptions {
  /** How long one check against the database speaks for, at most (ms). */
  maxCheckAgeMs?: number;
  /** Whose end ends a check's turn; the process's event-loop turn by default. */
  turn?: Turn;
}

/** What a region's values are read from: the directory tables, or tokens (whose inserts are not counted). */
export type CachedRows = 'directory' | 'tokens';

export class ReadCache {
  readonly #check: StatementSync;
  readonly #regions: { rows: CachedRows; region: CacheRegion }[] = [];
  readonly #rows: CacheRegion;
  readonly #counters: StatementSync;
  #dataVersion = -1;
  #ownWrites = -1;
  #directoryVersion = -1;
  #tokensVersion = -1;
  #checkedThisTurn = false;
  #checkedAt = -Infinity;
  readonly #maxCheckAgeMs: number;
  readonly #turn: Turn;
  #endOfTurnQueued = false;
  readonly #endTurn = () => {
    this.#checkedThisTurn = false;
    this.#endOfTurnQueued = false;
  };

  constructor(db: DatabaseSync, options: ReadCacheOptions = {}) {
    this.#maxCheckAgeMs = options.maxCheckAgeMs ?? DEFAULT_MAX_CHECK_AGE_MS;
    this.#turn = options.turn ?? eventLoopTurn;
    db.exec('CREATE TEMP TABLE IF NOT EXISTS tessera_own_writes (n INTEGER NOT NULL)');
    db.exec('INSERT INTO temp.tessera_own_writes (n) SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM temp.tessera_own_writes)');
    for (const table of DIRECTORY_TABLES) {
      for (const event of ['INSERT', 'UPDATE', 'DELETE']) {
        db.exec(`CREATE TEMP TRIGGER IF NOT EXISTS tessera_cache_${table}_${event.toLowerCase()} AFTER ${event} ON main.${table}
          BEGIN UPDATE temp.tessera_own_writes SET n = n + 1; END`);
      }
    }
    // The per-turn check stays off the main database's tables: reading one would start a read transaction on the file.
    this.#check = db.prepare('SELECT (SELECT data_version FROM pragma_data_version()) AS dv, (SELECT n FROM temp.tessera_own_writes) AS own');
    this.#counters = db.prepare(
      'SELECT (SELECT n FROM main.cache_version WHERE id = 1) AS directory, (SELECT n FROM main.cache_version WHERE id = 2) AS tokens',
    );
    this.#rows = this.region(MAX_ENTRIES, 'directory');
  }

  /**
   * A namespace of at most `maxEntries` values read from `rows`, checked with
   * the rest and dropped whole when any connection changes those rows (token
   * absences also when another connection commits anything). This
   * connection's own writes are the region owner's to report at once
   * ({@link CacheRegion.delete}, {@link CacheRegion.clear}); the check sees them from the next turn.
   */
  region(maxEntries: number, rows: CachedRows): CacheRegion {
    const region = new CacheRegion(maxEntries, () => {
      if (!this.#checkedThisTurn || performance.now() - this.#checkedAt > this.#maxCheckAgeMs) this.#validate();
    });
    this.#regions.push({ rows, region });
    return region;
  }

  /**
   * The cached tenant or client row for `key`, or what `load` reads now
   * (undefined when there is none), deep-frozen: share it, never change it.
   */
  get<T extends object>(key: string, load: () => T | undefined): Readonly<T> | undefined {
    return this.#rows.get(key, load);
  }


  /** Drops everything; the next read queries the database. */
  invalidate(): void {
    for (const { region } of this.#regions) region.clear();
    this.#checkedThisTurn = false;
  }

  #validate(): void {
    const { dv, own } = this.#check.get() as { dv: number; own: number };
    if (own !== this.#ownWrites) {
      for (const { rows, region } of this.#regions) if (rows === 'directory') region.clear();
      this.#ownWrites = own;
    }
    if (dv !== this.#dataVersion) {
      const { directory, tokens } = this.#counters.get() as { directory: number; tokens: number };
      const directoryChanged = directory !== this.#directoryVersion;
      const tokensChanged = tokens !== this.#tokensVersion;
      for (const { rows, region } of this.#regions) {
        if (rows === 'directory' ? directoryChanged : tokensChanged) region.clear();
        else if (rows === 'tokens') region.clearAbsences();
      }
      this.#dataVersion = dv;
      this.#directoryVersion = directory;
      this.#tokensVersion = tokens;
    }
    this.#checkedThisTurn = true;
    this.#checkedAt = performance.now();
    if (!this.#endOfTurnQueued) {
      this.#endOfTurnQueued = true;
      this.#turn.atEnd('cache', this.#endTurn);
    }
  }
}

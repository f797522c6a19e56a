/**
 * A coherent in-process cache of tenant and client rows for the PostgreSQL
 * store: the counterpart of sqlite/read-cache.ts, for instances that share
 * one database.
 *
 * Every token request resolves a tenant and a client, which on PostgreSQL
 * were two or three queries per request. Those rows change rarely, but a
 * change — a rotated secret, a disabled client — must take effect at once in
 * every instance. Every write to `tenants`, `tenant_hosts` or `clients` raises
 * `cache_version` in its own transaction (migration 7) and notifies channel
 * `tessera_cache` at commit (migration 14). The stores' own writes drop the
 * cache at once.
 *
 * - While listening (cache-listener.ts), the cache drops everything on each
 *   notification, and reads the counter only once a second, a safety net for
 *   a listener that died silently. Another instance's commit is seen once
 *   its notification arrives: the commit's round trip to this process,
 *   usually well under a millisecond, as for a request racing the commit.
 * - Otherwise (no listener yet, or lost: a restart, a terminated backend),
 *   it checks the counter at the first read of every event-loop turn, a
 *   check shared by every read of the turn, and drops everything when it
 *   moved: a read returns what a query made at the start of the current
 *   turn, and at most a millisecond earlier, would have returned.
 *
 * Listening removes the per-turn query, which cost both this process and
 * the database CPU on every turn (docs/benchmarks.md).
 * Values are cached mapped and deep-frozen, and every caller shares the one
 * value (read-only-fields.ts). A load that raced one of this instance's own writes is not
 * kept.
 */
import { deepFreeze } from '../read-only-fields.ts';
import { eventLoopTurn, type Turn } from '../../runtime/turn.ts';
import { statement, type PostgresDatabase } from './database.ts';

const VERSION = statement('cache-version.get', 'SELECT n FROM cache_version WHERE id = 1');
const MAX_ENTRIES = 10_000;
/** How long one check speaks for, at most (ms), when no notification would tell of a change. */
const MAX_CHECK_AGE_MS = 1;
/** How long one check speaks for while notifications tell of each change (ms). */
export const LISTENING_CHECK_AGE_MS = 1000;

export class PostgresReadCache {
  readonly #db: PostgresDatabase;
  readonly #entries = new Map<string, object | null>();
  #version: string | undefined;
  /** This turn's check, shared by every read of the turn (and only of this turn). */
  #check: Promise<void> | undefined;
  /** When it started: a check speaks for a millisecond at most, whatever the turn. */
  #checkStartedAt = -Infinity;
  /** Numbers the checks, so one that answers late cannot undo what a later one decided. */
  #checks = 0;
  #lastApplied = 0;
  /** Raised whenever the entries are dropped, so a load begun before does not refill them with what it read. */
  #generation = 0;

  readonly #turn: Turn;
  /** Whether notifications report every commit (then a check speaks for {@link LISTENING_CHECK_AGE_MS}). */
  #listening = false;
  readonly #listeningCheckAgeMs: number;

  constructor(db: PostgresDatabase, options: { turn?: Turn; listeningCheckAgeMs?: number } = {}) {
    this.#db = db;
    this.#turn = options.turn ?? eventLoopTurn;
    this.#listeningCheckAgeMs = options.listeningCheckAgeMs ?? LISTENING_CHECK_AGE_MS;
  }

  /** A notification: another instance (or this one) committed a change to the cached tables. */
  changed(): void {
    this.#drop();
  }

  /**
   * The listener started or stopped. Either way nothing cached is trusted:
   * a commit made before the listener began, or while it was being lost,
   * reached no one.
   */
  listening(listening: boolean): void {
    this.#listening = listening;
    this.invalidate();
  }

  /** The cached value for `key`, or what `load` reads now (undefined when there is none), deep-frozen. */
  async get<T extends object>(key: string, load: () => Promise<T | undefined>): Promise<Readonly<T> | undefined> {
    const maxAge = this.#listening ? this.#listeningCheckAgeMs : MAX_CHECK_AGE_MS;
    if (this.#check === undefined || performance.now() - this.#checkStartedAt > maxAge) this.#check = this.#startCheck();
    await this.#check;
    const cached = this.#entries.get(key);
    if (cached !== undefined) return (cached ?? undefined) as T | undefined;
    const generation = this.#generation;
    const value = await load();
    if (value !== undefined) deepFreeze(value);
    if (generation === this.#generation) {
      if (this.#entries.size >= MAX_ENTRIES) this.#entries.clear();
      this.#entries.set(key, value ?? null);
    }
    return value;
  }


  /** Runs a write with the cache dropped before it and after it commits (a read racing it is not kept). */
  async writing<T>(write: () => Promise<T>): Promise<T> {
    this.invalidate();
    try {
      return await write();
    } finally {
      this.invalidate();
    }
  }

  /** Drops everything; the next read checks the version and queries again. */
  invalidate(): void {
    this.#entries.clear();
    this.#generation += 1;
    this.#check = undefined;
  }

  /**
   * Starts this turn's check. It is shared only by reads of the turn it
   * started in: a read in a later turn must not rely on a version read before
   * it began (a slow answer would hide a commit made meanwhile), so the next
   * turn starts its own check even while this one is still out. The turn's
   * end (runtime/turn.ts), for a check started in the check phase, comes
   * only after the next iteration's timers and I/O; the age bound
   * (`MAX_CHECK_AGE_MS`) keeps such a check from speaking for them. While
   * listening, notifications speak for the turns and the check only for its
   * age bound.
   */
  #startCheck(): Promise<void> {
    this.#checkStartedAt = performance.now();
    const sequence = ++this.#checks;
    const check = this.#validate(sequence);
    const forget = () => {
      if (this.#check === check) this.#check = undefined;
    };
    if (!this.#listening) this.#turn.atEnd('cache', forget);
    // A failed check (the database away) is not kept for the next reads to fail on.
    check.catch(forget);
    return check;
  }

  async #validate(sequence: number): Promise<void> {
    let version: string | undefined;
    try {
      version = (await this.#db.query<{ n: string }>(VERSION)).rows[0]?.n;
    } catch (error) {
      // The database is away (or failed over): nothing cached is trusted once it answers again.
      this.#drop();
      throw error;
    }
    if (sequence < this.#lastApplied) return; // a later check has already decided
    this.#lastApplied = sequence;
    // No counter row (a partial restore, a manual cleanup) means no coherence: cache nothing beyond this turn.
    if (version === undefined || String(version) !== this.#version) {
      this.#drop();
      this.#version = version === undefined ? undefined : String(version);
    }
  }

  #drop(): void {
    this.#entries.clear();
    this.#generation += 1;
    this.#version = undefined;
  }
}

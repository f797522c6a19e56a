/**
 * A coherent in-process cache of tenant and client rows for the PostgreSQL
 * store: the counterpart of sqlite/read-cache.ts, for instances that share
 * one database.
 *
 * Every token request resolves a tenant and a client, which on PostgreSQL
 * were two or three queries per request. Those rows change rarely, but a
 * change — a rotated secret, a disabled client — must take effect at once in
 * every instance. Every write to `tenants`, `tenant_hosts` or `clients` raises
 * `cache_version` in its own transaction (migration 7), so the cache checks
 * that one row at the first read of every event-loop turn, a check shared by
 * every read of the turn, and drops everything when it moved. The stores'
 * own writes drop it at once too.
 *
 * A read therefore returns what a query made at the start of the current
 * turn would have returned, as with SQLite: a commit by another instance is
 * seen from the next turn on. Values are cached mapped and deep-frozen; the
 * stores hand each caller a shallow copy. A load that raced one of this
 * instance's own writes is not kept.
 */
import { deepFreeze } from '../read-only-fields.ts';
import { statement, type PostgresDatabase } from './database.ts';

const VERSION = statement('cache-version.get', 'SELECT n FROM cache_version WHERE id = 1');
const MAX_ENTRIES = 10_000;

export class PostgresReadCache {
  readonly #db: PostgresDatabase;
  readonly #entries = new Map<string, object | null>();
  #version: string | undefined;
  /** This turn's check, shared by every read of the turn. */
  #check: Promise<void> | undefined;
  /** Raised whenever the entries are dropped, so a load begun before does not refill them with what it read. */
  #generation = 0;

  constructor(db: PostgresDatabase) {
    this.#db = db;
  }

  /** The cached value for `key`, or what `load` reads now (undefined when there is none), deep-frozen. */
  async get<T extends object>(key: string, load: () => Promise<T | undefined>): Promise<Readonly<T> | undefined> {
    await (this.#check ??= this.#validate());
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

  /** Drops everything; the next read checks the version and queries again. */
  invalidate(): void {
    this.#entries.clear();
    this.#generation += 1;
    this.#check = undefined;
  }

  async #validate(): Promise<void> {
    try {
      const n = String((await this.#db.query<{ n: string }>(VERSION)).rows[0]?.n);
      if (n !== this.#version) {
        this.#entries.clear();
        this.#generation += 1;
        this.#version = n;
      }
    } finally {
      // The next turn checks again; a failed check (the database away) is retried then too.
      const check = this.#check;
      setImmediate(() => {
        if (this.#check === check) this.#check = undefined;
      });
    }
  }
}

/**
 * One namespace of a coherent read cache (read-cache.ts): values, or known
 * absences, by key, deep-frozen, at most `maxEntries` of them. The cache
 * decides when everything is stale (the `checkFreshness` callback); the
 * region's owner forgets what its own writes change.
 */
import { deepFreeze } from '../read-only-fields.ts';

export class CacheRegion {
  readonly #entries = new Map<string, object | null>();
  readonly #maxEntries: number;
  readonly #checkFreshness: () => void;

  constructor(maxEntries: number, checkFreshness: () => void) {
    this.#maxEntries = maxEntries;
    this.#checkFreshness = checkFreshness;
  }

  /** The cached value for `key`, or what `load` reads now (undefined when there is none), deep-frozen. */
  get<T extends object>(key: string, load: () => T | undefined): Readonly<T> | undefined {
    this.#checkFreshness();
    const cached = this.#entries.get(key);
    if (cached !== undefined) return (cached ?? undefined) as T | undefined;
    const value = load();
    if (value !== undefined) deepFreeze(value);
    // Bounded the simple way: a full region starts again (the working set refills it in a few requests).
    if (this.#entries.size >= this.#maxEntries) this.#entries.clear();
    this.#entries.set(key, value ?? null);
    return value;
  }


  /** Forgets `key`: the next read of it queries the database. */
  delete(key: string): void {
    this.#entries.delete(key);
  }

  /** Forgets everything. */
  clear(): void {
    this.#entries.clear();
  }

  get size(): number {
    return this.#entries.size;
  }
}

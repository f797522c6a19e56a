/**
 * One namespace of a coherent read cache (read-cache.ts): values, or known
 * absences, by key, deep-frozen, at most `maxEntries` of them. The cache
 * decides when values or absences are stale (the `checkFreshness` callback);
 * the region's owner forgets what its own writes change. Absences are kept
 * apart so that they can be forgotten alone (an insert elsewhere can end an
 * absence without changing any value held).
 */
import { deepFreeze } from '../read-only-fields.ts';

export class CacheRegion {
  readonly #values = new Map<string, object>();
  readonly #absences = new Set<string>();
  readonly #maxEntries: number;
  readonly #checkFreshness: () => void;

  constructor(maxEntries: number, checkFreshness: () => void) {
    this.#maxEntries = maxEntries;
    this.#checkFreshness = checkFreshness;
  }

  /** The cached value for `key`, or what `load` reads now (undefined when there is none), deep-frozen. */
  get<T extends object>(key: string, load: () => T | undefined): Readonly<T> | undefined {
    this.#checkFreshness();
    const cached = this.#values.get(key);
    if (cached !== undefined) return cached as T;
    if (this.#absences.has(key)) return undefined;
    const value = load();
    // Bounded the simple way: a full region starts again (the working set refills it in a few requests).
    if (this.size >= this.#maxEntries) this.clear();
    if (value === undefined) {
      this.#absences.add(key);
    } else {
      deepFreeze(value);
      this.#values.set(key, value);
    }
    return value;
  }


  /** Forgets `key`: the next read of it queries the database. */
  delete(key: string): void {
    this.#values.delete(key);
    this.#absences.delete(key);
  }

  /** Forgets everything. */
  clear(): void {
    this.#values.clear();
    this.#absences.clear();
  }

  /** Forgets the known absences only. */
  clearAbsences(): void {
    this.#absences.clear();
  }

  get size(): number {
    return this.#values.size + this.#absences.size;
  }
}

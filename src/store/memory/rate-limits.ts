/**
 * Rate-limit buckets in the process: exact and free of I/O, but one
 * process's own. Behind `--workers` or several instances each process keeps
 * its own buckets (a client reaching N processes gets N times the limit), so
 * those deployments share a Redis store instead (docs/rate-limits.md).
 */
import { systemClock, type Clock } from '../../core/clock.ts';
import { gcra } from '../../core/rate-limit/gcra.ts';
import type { BucketAnswer, BucketOperation, RateLimitStore } from '../../core/ports/rate-limits.ts';

export interface MemoryRateLimitStoreOptions {
  clock?: Clock;
  /**
   * Most buckets kept. A flood of distinct keys (random user names, spoofed
   * addresses of a trusted proxy) must not grow memory without bound: past
   * this, buckets that have drained are dropped first, then the least
   * recently used. A dropped bucket is a full one again, so the bound is
   * documented as a limit of the memory store.
   */
  maxBuckets?: number;
}

export class MemoryRateLimitStore implements RateLimitStore {
  readonly kind = 'memory';
  readonly #clock: Clock;
  readonly #maxBuckets: number;
  /** key → TAT (µs); insertion order is least recently written first. */
  readonly #tats = new Map<string, number>();

  constructor(options: MemoryRateLimitStoreOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#maxBuckets = options.maxBuckets ?? 100_000;
  }

  apply(operation: BucketOperation): BucketAnswer {
    const now = this.#clock() * 1000;
    const stored = this.#tats.get(operation.key);
    const result = gcra(stored, now, operation.intervalUs, operation.windowUs, operation.mode);
    const tat = result.tat ?? stored;
    if (tat !== undefined) {
      // Moved to the end, refused requests included: a bucket being hammered is the last to be dropped.
      this.#tats.delete(operation.key);
      this.#tats.set(operation.key, tat);
      if (this.#tats.size > this.#maxBuckets) this.#prune(now);
    }
    return { allowed: result.allowed, levelUs: result.levelUs };
  }

  reset(key: string): void {
    this.#tats.delete(key);
  }

  /** Buckets held now (tests, metrics). */
  get size(): number {
    return this.#tats.size;
  }

  async close(): Promise<void> {
    this.#tats.clear();
  }

  /** Down to 90 % of the bound, so a sweep (linear in the buckets) happens once per tenth of them written. */
  #prune(now: number): void {
    for (const [key, tat] of this.#tats) {
      if (tat <= now) this.#tats.delete(key);
    }
    // What is still held is in use: drop the least recently written.
    const keep = Math.floor(this.#maxBuckets * 0.9);
    for (const key of this.#tats.keys()) {
      if (this.#tats.size <= keep) break;
      this.#tats.delete(key);
    }
  }
}

/**
 * Where rate-limit buckets live: in the process (memory), or in a store every
 * process and instance shares (Redis), so a limit holds across `--workers`
 * and a fleet. Each operation is atomic in the store; the arithmetic is the
 * one GCRA of core/rate-limit/gcra.ts, applied at the store's own clock so
 * instances with skewed clocks still share one timeline.
 */

/** What an operation does to a bucket (see core/rate-limit/gcra.ts). */
export type BucketMode = 'take' | 'peek' | 'charge';

export interface BucketOperation {
  /** The bucket's full key: rule and subject (`token:default/billing`). */
  key: string;
  /** Microseconds one request adds to the bucket's level. */
  intervalUs: number;
  /** Microseconds of level the bucket holds: a full burst. */
  windowUs: number;
  mode: BucketMode;
}

export interface BucketAnswer {
  /** Whether one more request fitted (for `take`: it was counted). */
  allowed: boolean;
  /** The bucket's level after the operation, in microseconds (0: untouched for a full window). */
  levelUs: number;
}

export interface RateLimitStore {
  /** A short name for logs and health: `memory`, `redis`. */
  readonly kind: string;
  /** Applies one operation atomically; a synchronous answer when the store is in the process. */
  apply(operation: BucketOperation): BucketAnswer | Promise<BucketAnswer>;
  /** Forgets a bucket (an operator's reset): its next request finds it full. */
  reset(key: string): void | Promise<void>;
  close(): Promise<void>;
}

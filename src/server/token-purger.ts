/**
 * The periodic job that deletes expired opaque tokens, so the tokens table
 * grows with the number of live tokens, not with every token ever issued.
 *
 * It works in bounded batches ({@link TokenPurge.purgeExpired}) and yields to
 * the event loop between them, so token issuance keeps flowing while a large
 * backlog drains: on SQLite (a synchronous driver) each batch is one short
 * write; on PostgreSQL each batch is one short transaction that skips rows
 * another instance's purger holds. Every instance may run its own purger.
 *
 * An expired token is worthless either way (validation and introspection
 * refuse it on its expiry alone), so deleting it right after expiry changes
 * no answer Tessera gives.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Clock } from '../core/clock.ts';
import type { TokenPurge } from '../core/ports/tokens.ts';

/** Defaults, documented in docs/deployment.md ("Purging expired tokens"). */
export const PURGE_DEFAULTS = {
  /** One run a minute keeps the backlog small without measurable load. */
  intervalMs: 60_000,
  /** A thousand rows is a few milliseconds of deleting on either engine. */
  batchSize: 1000,
  /** A run stops after this many batches and leaves the rest to the next run. */
  maxBatchesPerRun: 100,
} as const;

export interface TokenPurgerOptions {
  tokens: TokenPurge;
  clock: Clock;
  /** Milliseconds between runs; 0 disables the timer (runOnce still works). */
  intervalMs?: number;
  batchSize?: number;
  maxBatchesPerRun?: number;
  /**
   * Further periodic clean-up run after each purge, in the same run (the
   * signing keys' housekeeping: private halves of keys that only verify,
   * keys past retirement). A failure is reported like a failed purge.
   */
  housekeeping?: () => Promise<unknown>;
  /** Told how many tokens a run deleted (called for every run, 0 included). */
  onRun?: (deleted: number) => void;
  /** Told when a run fails (database down); the next run tries again. */
  onError?: (error: unknown) => void;
}

export interface TokenPurger {
  /** One run now: batches until the backlog is gone or the per-run cap is hit; returns how many were deleted. */
  runOnce(): Promise<number>;
  /** Cancels the timer and waits for a run in progress, so the store can be closed safely afterwards. */
  stop(): Promise<void>;
}

export function startTokenPurger(options: TokenPurgerOptions): TokenPurger {
  const intervalMs = options.intervalMs ?? PURGE_DEFAULTS.intervalMs;
  const batchSize = options.batchSize ?? PURGE_DEFAULTS.batchSize;
  const maxBatches = options.maxBatchesPerRun ?? PURGE_DEFAULTS.maxBatchesPerRun;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let stopped = false;

  const purge = async (): Promise<number> => {
    const before = options.clock();
    let total = 0;
    for (let batch = 0; batch < maxBatches && !stopped; batch++) {
      const deleted = await options.tokens.purgeExpired(before, batchSize);
      total += deleted;
      if (deleted < batchSize) break;
      await yieldToEventLoop();
    }
    if (!stopped) await options.housekeeping?.();
    return total;
  };

  const runOnce = (): Promise<number> => {
    // Runs never overlap: a slow run is joined, not doubled.
    running ??= purge().finally(() => {
      running = undefined;
    });
    return running;
  };

  const schedule = () => {
    if (stopped || intervalMs === 0) return;
    timer = setTimeout(() => {
      runOnce().then(
        (deleted) => options.onRun?.(deleted),
        (error: unknown) => options.onError?.(error),
      ).finally(schedule);
    }, intervalMs);
    // The purger alone must never keep a process alive.
    timer.unref();
  };
  schedule();

  return {
    runOnce,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running?.catch(() => {});
    },
  };
}

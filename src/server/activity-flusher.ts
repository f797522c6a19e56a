/**
 * Adds this process's activity counts to the store at an interval, so the
 * admin API's activity route sees every instance's; counts a failed write
 * did not store are kept for the next one (a database outage delays them,
 * never drops them). Minutes older than the longest window the route serves
 * (a day) and a margin are deleted once an hour.
 */
import type { ActivityCounter } from '../core/activity-counter.ts';
import type { Clock } from '../core/clock.ts';
import type { ActivityStore } from '../core/ports/activity.ts';

/** Counts are kept two days: the route's longest window is one. */
export const ACTIVITY_RETENTION_MS = 2 * 24 * 3600_000;
const PURGE_EVERY_MS = 3600_000;

export interface ActivityFlusherOptions {
  counter: ActivityCounter;
  store: ActivityStore;
  clock: Clock;
  intervalMs: number;
  onError(error: unknown): void;
}

export interface ActivityFlusher {
  /** Writes what is counted now (also what a server's shutdown calls). */
  flush(): Promise<void>;
  /** Stops the interval and writes the last counts. */
  stop(): Promise<void>;
}

export function startActivityFlusher(options: ActivityFlusherOptions): ActivityFlusher {
  const { counter, store, clock } = options;
  let lastPurge = 0;
  let running: Promise<void> | undefined;
  const write = async () => {
    const counts = counter.drain();
    try {
      await store.addActivity(counts);
    } catch (error) {
      counter.restore(counts);
      options.onError(error);
    }
    const now = clock();
    if (now - lastPurge >= PURGE_EVERY_MS) {
      lastPurge = now;
      await store.purgeActivity(now - ACTIVITY_RETENTION_MS).catch(options.onError);
    }
  };
  // One write at a time: a slow database must not stack them up.
  const flush = () => (running ??= write().finally(() => (running = undefined)));
  const timer = setInterval(() => void flush(), options.intervalMs);
  timer.unref();
  return {
    flush: async () => {
      await running;
      await flush();
    },
    async stop() {
      clearInterval(timer);
      await running;
      await flush();
    },
  };
}

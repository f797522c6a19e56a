/**
 * How long the cluster primary waits before replacing a crashed worker:
 * exponential in the number of crashes in a row, capped, and forgiven once a
 * worker has stayed up for a while. A worker that dies at start-up (bad
 * configuration, database gone) is then retried a few times quickly and after
 * that at a slow, steady pace, instead of in a tight fork loop.
 */
export interface RestartBackoff {
  /** Delay after the first crash. */
  initialMs: number;
  /** Longest delay. */
  maxMs: number;
  /** A worker up at least this long is healthy: its crash counts as the first again. */
  stableMs: number;
}

export const RESTART_BACKOFF: RestartBackoff = { initialMs: 500, maxMs: 30_000, stableMs: 30_000 };

/** The delay before the restart that follows `crashesInRow` earlier quick crashes (0 for the first). */
export function restartDelay(crashesInRow: number, backoff: RestartBackoff = RESTART_BACKOFF): number {
  return Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(crashesInRow, 30));
}

/**
 * WAL checkpoints for the server, in a worker thread.
 *
 * A WAL commit appends pages to the `-wal` file; a checkpoint copies them
 * into the database file and syncs it. By default SQLite runs the checkpoint
 * inside the commit that crosses 1,000 WAL pages, on the connection that
 * committed: for the server that is the event loop, which stalled for the
 * copy and the fsync while every in-flight request waited. That stall set
 * the token endpoint's p99 and cost a measurable share of its throughput
 * (docs/benchmarks.md).
 *
 * So the server's store hands checkpoints to a worker thread with its own
 * connection, which runs a PASSIVE checkpoint every `intervalMs`. The serving
 * connection keeps an automatic checkpoint only as a fallback, at
 * {@link FALLBACK_AUTOCHECKPOINT_PAGES}, should the worker fall behind; if
 * the worker stops, SQLite's default comes back. CLI commands, short-lived,
 * keep the default and start no thread.
 */
import type { DatabaseSync } from 'node:sqlite';
import { Worker } from 'node:worker_threads';
import { CHECKPOINT_WORKER_SOURCE } from './checkpoint-worker.ts';

/** SQLite's default `wal_autocheckpoint`. */
export const DEFAULT_AUTOCHECKPOINT_PAGES = 1000;
/** How often a persistently failing checkpoint is reported. */
const ERROR_REPORT_INTERVAL_MS = 60_000;
/** The serving connection's own checkpoint threshold while the worker runs (about 40 MB of WAL). */
export const FALLBACK_AUTOCHECKPOINT_PAGES = 10_000;

export interface CheckpointerStats {
  /** Checkpoint passes run. */
  passes: number;
  /** Frames in the WAL at the last pass, and how many of them are in the database file. */
  walFrames: number;
  checkpointedFrames: number;
  running: boolean;
}

export interface BackgroundCheckpointer {
  stats(): CheckpointerStats;
  /** The serving connection's own `wal_autocheckpoint` threshold, in pages. */
  servingThreshold(): number;
  /** Stops the worker and gives the serving connection SQLite's default back. */
  stop(): Promise<void>;
}

export function startBackgroundCheckpointer(
  db: DatabaseSync,
  options: { path: string; intervalMs: number; onError?: (error: Error) => void },
): BackgroundCheckpointer {
  const stats: CheckpointerStats = { passes: 0, walFrames: 0, checkpointedFrames: 0, running: true };
  const worker = new Worker(CHECKPOINT_WORKER_SOURCE, {
    eval: true,
    workerData: { path: options.path, intervalMs: options.intervalMs },
    // The worker holds one prepared statement; keep its isolate small (it counts in the server's RSS).
    resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 8 },
  });
  // A background helper must never keep the process alive.
  worker.unref();
  db.exec(`PRAGMA wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
  const restoreDefault = () => {
    stats.running = false;
    if (db.isOpen) db.exec(`PRAGMA wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT_PAGES}`);
  };
  // A pass that keeps failing is reported once a minute, not ten times a second.
  let lastReported = -Infinity;
  let failedSinceReport = 0;
  worker.on('message', (message: { kind: string; walFrames?: number; checkpointedFrames?: number; message?: string }) => {
    if (message.kind === 'pass') {
      stats.passes += 1;
      stats.walFrames = message.walFrames!;
      stats.checkpointedFrames = message.checkpointedFrames!;
    } else if (message.kind === 'error') {
      failedSinceReport += 1;
      if (performance.now() - lastReported < ERROR_REPORT_INTERVAL_MS) return;
      const repeated = failedSinceReport > 1 ? ` (${failedSinceReport} failed passes since the last report)` : '';
      options.onError?.(new Error(`background WAL checkpoint failed: ${message.message}${repeated}`));
      lastReported = performance.now();
      failedSinceReport = 0;
    }
  });
  worker.on('error', (error) => options.onError?.(error));
  worker.on('exit', restoreDefault);
  return {
    stats: () => ({ ...stats }),
    servingThreshold: () => (db.prepare('PRAGMA wal_autocheckpoint').get() as { wal_autocheckpoint: number }).wal_autocheckpoint,
    async stop() {
      if (!stats.running) return;
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.postMessage('stop');
      // A worker stuck in a long checkpoint is not waited for beyond a second.
      const timeout = setTimeout(() => void worker.terminate(), 1000);
      await exited;
      clearTimeout(timeout);
      restoreDefault();
    },
  };
}

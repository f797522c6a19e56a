/**
 * The cluster primary's job, apart from `node:cluster` so it can be tested
 * with fake workers: keep N workers running, replace one that exits with a
 * back-off, and on stop forward the signal to every worker and wait for them
 * (forcing those that outlive the timeout).
 *
 * @see https://nodejs.org/api/cluster.html
 */
import { restartDelay, RESTART_BACKOFF, type RestartBackoff } from './restart-backoff.ts';

/** What the supervisor needs of a worker process. */
export interface SupervisedWorker {
  readonly pid: number | undefined;
  kill(signal: NodeJS.Signals): void;
  once(event: 'exit', listener: (code: number | null, signal: string | null) => void): unknown;
}

export type SupervisorLog = (level: 'info' | 'warn' | 'error', message: string, fields: Record<string, unknown>) => void;

export interface SupervisorOptions {
  workers: number;
  fork(): SupervisedWorker;
  log: SupervisorLog;
  /** How long stop() waits for workers to finish before SIGKILL. */
  stopTimeoutMs: number;
  backoff?: RestartBackoff;
  clock?: () => number;
}

export interface StopResult {
  /** Workers that did not exit in time and were killed. */
  forced: number;
}

interface Slot {
  index: number;
  worker: SupervisedWorker | undefined;
  startedAt: number;
  crashesInRow: number;
  restart: NodeJS.Timeout | undefined;
}

export class Supervisor {
  readonly #options: SupervisorOptions;
  readonly #clock: () => number;
  readonly #slots: Slot[];
  #stopping: Promise<StopResult> | undefined;
  #onAllExited: (() => void) | undefined;

  constructor(options: SupervisorOptions) {
    this.#options = options;
    this.#clock = options.clock ?? Date.now;
    this.#slots = Array.from({ length: options.workers }, (_, index) => ({ index, worker: undefined, startedAt: 0, crashesInRow: 0, restart: undefined }));
  }

  start(): void {
    for (const slot of this.#slots) this.#fork(slot);
  }

  /** Pids of the running workers. */
  get pids(): number[] {
    return this.#slots.flatMap((s) => (s.worker?.pid === undefined ? [] : [s.worker.pid]));
  }

  /** Forwards `signal` to every worker, cancels pending restarts, and resolves once all have exited. Idempotent. */
  stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<StopResult> {
    this.#stopping ??= new Promise<StopResult>((resolve) => {
      for (const slot of this.#slots) clearTimeout(slot.restart);
      const running = this.#slots.filter((s) => s.worker !== undefined);
      let forced = 0;
      const timer = setTimeout(() => {
        for (const slot of this.#slots) {
          if (slot.worker === undefined) continue;
          forced++;
          this.#options.log('warn', 'worker did not stop in time; killing it', { worker: slot.index + 1, workerPid: slot.worker.pid });
          slot.worker.kill('SIGKILL');
        }
      }, this.#options.stopTimeoutMs);
      this.#onAllExited = () => {
        clearTimeout(timer);
        resolve({ forced });
      };
      if (running.length === 0) return this.#onAllExited();
      this.#options.log('info', 'stopping workers', { signal, workers: running.length });
      for (const slot of running) slot.worker!.kill(signal);
    });
    return this.#stopping;
  }

  #fork(slot: Slot): void {
    slot.restart = undefined;
    const worker = this.#options.fork();
    slot.worker = worker;
    slot.startedAt = this.#clock();
    this.#options.log('info', 'worker started', { worker: slot.index + 1, workerPid: worker.pid });
    worker.once('exit', (code, signal) => this.#exited(slot, worker, code, signal));
  }

  #exited(slot: Slot, worker: SupervisedWorker, code: number | null, signal: string | null): void {
    if (slot.worker !== worker) return;
    slot.worker = undefined;
    const fields = { worker: slot.index + 1, workerPid: worker.pid, code, signal };
    if (this.#stopping !== undefined) {
      this.#options.log('info', 'worker stopped', fields);
      if (this.#slots.every((s) => s.worker === undefined)) this.#onAllExited?.();
      return;
    }
    // Any exit the primary did not ask for is a crash: keep the worker count.
    const stable = this.#clock() - slot.startedAt >= (this.#options.backoff ?? RESTART_BACKOFF).stableMs;
    if (stable) slot.crashesInRow = 0;
    const delay = restartDelay(slot.crashesInRow, this.#options.backoff);
    slot.crashesInRow++;
    this.#options.log('error', 'worker exited unexpectedly; restarting it', { ...fields, restartInMs: delay });
    slot.restart = setTimeout(() => this.#fork(slot), delay);
  }
}

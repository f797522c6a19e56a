/**
 * Bounds how many expensive tasks run at once and how many may wait.
 *
 * argon2id takes 19 MiB and tens of milliseconds of a libuv thread per hash.
 * Without a bound, a flood of logins would queue unboundedly in the
 * threadpool (which file and DNS work share) and hold 19 MiB per running
 * hash; with one, at most `concurrency` hashes run, at most `maxQueued` wait,
 * and the rest are refused at once with {@link WorkQueueFullError} (answered
 * as 503 `temporarily_unavailable` with Retry-After), which a client can retry.
 *
 * A waiting task whose caller has gone away (its `abandoned` check says so:
 * the client closed the connection) is dropped instead of started, with
 * {@link WorkAbandonedError}: nobody would read its answer, and under load
 * clients that time out and leave would otherwise cost a full hash each,
 * taking slots from the clients still waiting.
 */

export interface WorkLimits {
  /** Tasks running at once (at least 1). */
  concurrency: number;
  /** Tasks waiting for a slot before new ones are refused (0: refuse as soon as all slots are busy). */
  maxQueued: number;
}

/** Refused because every slot is busy and the queue is full. */
export class WorkQueueFullError extends Error {
  constructor(what: string) {
    super(`too many ${what} tasks queued`);
    this.name = 'WorkQueueFullError';
  }
}

/** Dropped before it started because its caller went away. */
export class WorkAbandonedError extends Error {
  constructor(what: string) {
    super(`${what} task dropped: its caller went away before it started`);
    this.name = 'WorkAbandonedError';
  }
}

export interface RunOptions {
  /** Checked before the task starts (on arrival and when its turn comes): true drops it. Must be cheap. */
  abandoned?: () => boolean;
}

interface Waiting {
  start: () => void;
  drop: (error: WorkAbandonedError) => void;
  abandoned: (() => boolean) | undefined;
}

export class WorkLimiter {
  readonly #what: string;
  #limits: WorkLimits;
  #active = 0;
  #completed = 0;
  #abandoned = 0;
  #waiting: Waiting[] = [];

  readonly #onStart: ((waitedMs: number) => void) | undefined;

  /** `onStart` is told how long each task waited for its slot (0 when one was free), for metrics. */
  constructor(what: string, limits: WorkLimits, onStart?: (waitedMs: number) => void) {
    this.#what = what;
    this.#limits = checked(limits);
    this.#onStart = onStart;
  }

  /** Changes the limits; waiting tasks start at once if the new concurrency allows. */
  configure(limits: WorkLimits): void {
    this.#limits = checked(limits);
    while (this.#active < this.#limits.concurrency) {
      const next = this.#nextLive();
      if (next === undefined) break;
      this.#active++;
      next.start();
    }
  }

  get limits(): WorkLimits {
    return { ...this.#limits };
  }

  /** Running, waiting, finished and dropped (abandoned before they started) task counts, for metrics and tests. */
  stats(): { active: number; queued: number; completed: number; abandoned: number } {
    return { active: this.#active, queued: this.#waiting.length, completed: this.#completed, abandoned: this.#abandoned };
  }

  /**
   * Runs `task` when a slot is free, in arrival order.
   * @throws WorkQueueFullError when it cannot even wait.
   * @throws WorkAbandonedError when `options.abandoned` says its caller left before it started.
   */
  async run<T>(task: () => Promise<T>, options: RunOptions = {}): Promise<T> {
    const { abandoned } = options;
    if (abandoned?.()) {
      this.#abandoned++;
      throw new WorkAbandonedError(this.#what);
    }
    if (this.#active < this.#limits.concurrency) {
      this.#active++;
      this.#onStart?.(0);
    } else {
      // Callers that left still hold queue places until their turn; when the queue looks full, clear them out first.
      if (this.#waiting.length >= this.#limits.maxQueued) this.#dropAbandoned();
      if (this.#waiting.length >= this.#limits.maxQueued) throw new WorkQueueFullError(this.#what);
      // The finishing task hands its slot over directly, so #active already counts this one.
      const queuedAt = this.#onStart === undefined ? 0 : performance.now();
      await new Promise<void>((start, drop) => this.#waiting.push({ start, drop, abandoned }));
      this.#onStart?.(performance.now() - queuedAt);
    }
    try {
      return await task();
    } finally {
      this.#completed++;
      const next = this.#active <= this.#limits.concurrency ? this.#nextLive() : undefined;
      if (next === undefined) this.#active--;
      else next.start();
    }
  }

  /** The first waiting task whose caller is still there; the abandoned ones before it are dropped. */
  #nextLive(): Waiting | undefined {
    for (let next = this.#waiting.shift(); next !== undefined; next = this.#waiting.shift()) {
      if (!next.abandoned?.()) return next;
      this.#drop(next);
    }
    return undefined;
  }

  #dropAbandoned(): void {
    const live: Waiting[] = [];
    for (const w of this.#waiting) {
      if (w.abandoned?.()) this.#drop(w);
      else live.push(w);
    }
    this.#waiting = live;
  }

  #drop(w: Waiting): void {
    this.#abandoned++;
    w.drop(new WorkAbandonedError(this.#what));
  }
}

function checked(limits: WorkLimits): WorkLimits {
  if (!Number.isInteger(limits.concurrency) || limits.concurrency < 1) throw new RangeError('concurrency must be a whole number of at least 1');
  if (!Number.isInteger(limits.maxQueued) || limits.maxQueued < 0) throw new RangeError('maxQueued must be a whole number of at least 0');
  return { ...limits };
}

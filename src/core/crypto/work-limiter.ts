/**
 * Bounds how many expensive tasks run at once and how many may wait.
 *
 * argon2id takes 19 MiB and tens of milliseconds of a libuv thread per hash.
 * Without a bound, a flood of logins would queue unboundedly in the
 * threadpool (which file and DNS work share) and hold 19 MiB per running
 * hash; with one, at most `concurrency` hashes run, at most `maxQueued` wait,
 * and the rest are refused at once with {@link WorkQueueFullError} (answered
 * as 503 `temporarily_unavailable` with Retry-After), which a client can retry.
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

export class WorkLimiter {
  readonly #what: string;
  #limits: WorkLimits;
  #active = 0;
  #completed = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(what: string, limits: WorkLimits) {
    this.#what = what;
    this.#limits = checked(limits);
  }

  /** Changes the limits; waiting tasks start at once if the new concurrency allows. */
  configure(limits: WorkLimits): void {
    this.#limits = checked(limits);
    while (this.#active < this.#limits.concurrency && this.#waiting.length > 0) {
      this.#active++;
      this.#waiting.shift()!();
    }
  }

  get limits(): WorkLimits {
    return { ...this.#limits };
  }

  /** Running, waiting and finished task counts (for metrics and tests). */
  stats(): { active: number; queued: number; completed: number } {
    return { active: this.#active, queued: this.#waiting.length, completed: this.#completed };
  }

  /** Runs `task` when a slot is free, in arrival order. @throws WorkQueueFullError when it cannot even wait. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#active < this.#limits.concurrency) {
      this.#active++;
    } else {
      if (this.#waiting.length >= this.#limits.maxQueued) throw new WorkQueueFullError(this.#what);
      // The finishing task hands its slot over directly, so #active already counts this one.
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    }
    try {
      return await task();
    } finally {
      this.#completed++;
      const next = this.#active <= this.#limits.concurrency ? this.#waiting.shift() : undefined;
      if (next === undefined) this.#active--;
      else next();
    }
  }
}

function checked(limits: WorkLimits): WorkLimits {
  if (!Number.isInteger(limits.concurrency) || limits.concurrency < 1) throw new RangeError('concurrency must be a whole number of at least 1');
  if (!Number.isInteger(limits.maxQueued) || limits.maxQueued < 0) throw new RangeError('maxQueued must be a whole number of at least 0');
  return { ...limits };
}

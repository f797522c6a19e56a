/**
 * Bounds how many expensive tasks run at once and how many may wait, and
 * shares the waiting room fairly between the callers they are for.
 *
 * argon2id takes 19 MiB and tens of milliseconds of a libuv thread per hash.
 * Without a bound, a flood of logins would queue unboundedly in the
 * threadpool (which file and DNS work share) and hold 19 MiB per running
 * hash; with one, at most `concurrency` hashes run and at most `maxQueued`
 * wait.
 *
 * Fairness: each task names its **shares**, the keys of who it is for (the
 * client address, the user name or client id). Waiting tasks start round
 * robin across their first share, so a task from a new source waits behind
 * at most one task of each other source, however many one source queued.
 * When the waiting room is full, a newcomer takes the place of the newest
 * task of the share holding the most places, if that share holds more than
 * the newcomer's own; otherwise the newcomer is refused. Either way the one
 * refused gets {@link WorkQueueFullError} (answered as 429 with
 * Retry-After): a flood from one address, or at one user name, is shed from
 * its own tasks and cannot starve anybody else.
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

/** Refused because every slot is busy and the waiting room holds no place for its share. */
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
  abandoned?: (() => boolean) | undefined;
  /**
   * Who the task is for, most specific source first: `addr:…` (its turn comes
   * round robin across these), then `user:…` or `client:…`. Tasks without
   * shares share one.
   */
  shares?: readonly string[] | undefined;
}

interface Waiting {
  start: () => void;
  drop: (error: Error) => void;
  abandoned: (() => boolean) | undefined;
  shares: readonly string[];
}

const NO_SHARES: readonly string[] = [''];

export interface WorkLimiterOptions {
  /** Told of each task refused (or displaced) for want of a place, with its first share. */
  onShed?: (share: string) => void;
  /** Told how long each task waited for its slot (0 when one was free), for metrics. */
  onStart?: (waitedMs: number) => void;
}

export class WorkLimiter {
  readonly #what: string;
  readonly #onShed: ((share: string) => void) | undefined;
  #limits: WorkLimits;
  #active = 0;
  #completed = 0;
  #abandoned = 0;
  #shed = 0;
  #queued = 0;
  /** Waiting tasks by first share; the map's order is the round-robin order. */
  readonly #queues = new Map<string, Waiting[]>();
  /** How many waiting tasks hold each share. */
  readonly #held = new Map<string, number>();

  readonly #onStart: ((waitedMs: number) => void) | undefined;

  constructor(what: string, limits: WorkLimits, options: WorkLimiterOptions = {}) {
    this.#what = what;
    this.#limits = checked(limits);
    this.#onShed = options.onShed;
    this.#onStart = options.onStart;
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

  /** Running, waiting, finished, dropped (callers gone) and shed (no place) task counts, for metrics and tests. */
  stats(): { active: number; queued: number; completed: number; abandoned: number; shed: number } {
    return { active: this.#active, queued: this.#queued, completed: this.#completed, abandoned: this.#abandoned, shed: this.#shed };
  }

  /**
   * Runs `task` when a slot is free and its turn has come.
   * @throws WorkQueueFullError when it cannot wait, or loses its place to a share that holds fewer.
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
      const shares = options.shares === undefined || options.shares.length === 0 ? NO_SHARES : options.shares;
      if (this.#queued >= this.#limits.maxQueued) this.#dropAbandoned();
      if (this.#queued >= this.#limits.maxQueued) this.#makeRoomFor(shares);
      // The finishing task hands its slot over directly, so #active already counts this one.
      const queuedAt = this.#onStart === undefined ? 0 : performance.now();
      await new Promise<void>((start, drop) => this.#enqueue({ start, drop, abandoned, shares }));
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

  /** Frees a place for a task of `shares` by shedding the newest task of the greediest share, or refuses it. */
  #makeRoomFor(shares: readonly string[]): void {
    const own = Math.max(...shares.map((s) => this.#held.get(s) ?? 0));
    let greediest: string | undefined;
    let most = 0;
    for (const [share, count] of this.#held) {
      if (count > most) {
        greediest = share;
        most = count;
      }
    }
    // Only a share holding clearly more than the newcomer's gives up a place; otherwise places would just change hands.
    if (greediest === undefined || most <= own + 1) {
      this.#shedOne(shares[0]!);
      throw new WorkQueueFullError(this.#what);
    }
    const victim = this.#newestHolding(greediest);
    this.#remove(victim);
    this.#shedOne(victim.shares[0]!);
    victim.drop(new WorkQueueFullError(this.#what));
  }

  #shedOne(share: string): void {
    this.#shed++;
    this.#onShed?.(share);
  }

  #newestHolding(share: string): Waiting {
    let newest: Waiting | undefined;
    let order = -1;
    for (const queue of this.#queues.values()) {
      for (let i = queue.length - 1; i >= 0; i--) {
        const w = queue[i]!;
        if (!w.shares.includes(share)) continue;
        const at = this.#arrival.get(w)!;
        if (at > order) {
          newest = w;
          order = at;
        }
        break;
      }
    }
    return newest!;
  }

  /** Arrival order of waiting tasks, to find the newest of a share across its queues. */
  readonly #arrival = new WeakMap<Waiting, number>();
  #arrivals = 0;

  #enqueue(w: Waiting): void {
    this.#arrival.set(w, this.#arrivals++);
    const group = w.shares[0]!;
    const queue = this.#queues.get(group);
    if (queue === undefined) this.#queues.set(group, [w]);
    else queue.push(w);
    for (const share of w.shares) this.#held.set(share, (this.#held.get(share) ?? 0) + 1);
    this.#queued++;
  }

  #remove(w: Waiting): void {
    const group = w.shares[0]!;
    const queue = this.#queues.get(group)!;
    queue.splice(queue.indexOf(w), 1);
    if (queue.length === 0) this.#queues.delete(group);
    this.#release(w);
  }

  #release(w: Waiting): void {
    for (const share of w.shares) {
      const left = this.#held.get(share)! - 1;
      if (left === 0) this.#held.delete(share);
      else this.#held.set(share, left);
    }
    this.#queued--;
  }

  /** The next task round robin across first shares, whose caller is still there; abandoned ones met on the way are dropped. */
  #nextLive(): Waiting | undefined {
    for (;;) {
      const first = this.#queues.entries().next();
      if (first.done === true) return undefined;
      const [group, queue] = first.value;
      const next = queue.shift()!;
      // This share has had its turn: to the back of the round.
      this.#queues.delete(group);
      if (queue.length > 0) this.#queues.set(group, queue);
      this.#release(next);
      if (!next.abandoned?.()) return next;
      this.#drop(next);
    }
  }

  #dropAbandoned(): void {
    for (const queue of [...this.#queues.values()]) {
      for (const w of [...queue]) {
        if (w.abandoned?.()) {
          this.#remove(w);
          this.#drop(w);
        }
      }
    }
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

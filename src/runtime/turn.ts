/**
 * The end of the event-loop turn, as one primitive: work that is cheaper done
 * for all of a turn's requests at once registers here, and runs in its phase
 * when the turn ends (a `setImmediate`, the check phase, which always comes).
 *
 * Why batch at all: on a loaded server the poll phase hands a turn dozens of
 * requests. Writing their token records one commit each, starting their
 * signatures one thread-pool wake-up each, and writing their answers one
 * loopback wake-up each costs far more than doing each once per turn
 * (docs/benchmarks.md has the measurements).
 *
 * Why one primitive: the batches depend on each other's order, and the order
 * is stated here, in code, instead of arising from which `setImmediate` each
 * component happened to queue first.
 */

/** The phases of a turn's end, in the order they run. */
export const TURN_PHASES = [
  /**
   * Send the turn's rate-limit checks to a shared store (Redis) as one
   * batch: every other phase's work waits behind a request's admission.
   */
  'admit',
  /**
   * Start the turn's JWT signatures together on the thread pool: they run
   * there while the rest of the turn's end uses the event loop.
   */
  'sign',
  /**
   * Write the turn's token records in one transaction (SQLite) or one
   * multi-row insert (PostgreSQL); each caller hears back only after its
   * record is committed, so a token is never answered before it is stored.
   */
  'commit',
  /**
   * End the read caches' turn: the next read checks the database again
   * (a check speaks for one turn at most).
   */
  'cache',
  /**
   * Release the answers held back during the turn, so they are written
   * together. Last: answers whose work finished in an earlier phase (opaque
   * issuance after the commit) go out in this same turn.
   */
  'answer',
] as const;

export type TurnPhase = (typeof TURN_PHASES)[number];

export class Turn {
  readonly #onTaskError: (error: unknown) => void;
  readonly #queues = new Map<TurnPhase, (() => void)[]>(TURN_PHASES.map((phase) => [phase, []]));
  #scheduled = false;
  readonly #end = () => {
    this.#scheduled = false;
    // Work queued while the end runs (a commit that must wait for someone else's
    // transaction) belongs to the next turn's end: take this turn's work first.
    const due = TURN_PHASES.map((phase) => {
      const queue = this.#queues.get(phase)!;
      if (queue.length === 0) return queue;
      this.#queues.set(phase, []);
      return queue;
    });
    for (const queue of due) {
      for (const task of queue) {
        try {
          task();
        } catch (error) {
          // A task reports its own failures to its callers; one that throws is a bug, and must not cost the others their turn.
          this.#onTaskError(error);
        }
      }
    }
  };

  /** @param onTaskError told about a task that threw (a bug); by default rethrown as an uncaught exception, after the other tasks ran. */
  constructor(onTaskError: (error: unknown) => void = (error) => queueMicrotask(() => {
    throw error;
  })) {
    this.#onTaskError = onTaskError;
  }

  /** Runs `task` at the end of this turn (or of the next one, when this turn's end is running), in `phase`. */
  atEnd(phase: TurnPhase, task: () => void): void {
    this.#queues.get(phase)!.push(task);
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(this.#end);
    }
  }

  /** Runs `job` at the end of this turn in `phase`, with the turn's other jobs; settles as `job` does. */
  run<T>(phase: TurnPhase, job: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.atEnd(phase, () => {
        try {
          job().then(resolve, reject);
        } catch (error) {
          reject(error);
        }
      });
    });
  }
}

/** The event loop is one per process, and so is its turn: every batch shares this one, so their order holds. */
export const eventLoopTurn = new Turn();
